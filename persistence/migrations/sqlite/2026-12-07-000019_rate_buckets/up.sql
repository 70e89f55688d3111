-- Rate limits' buckets (domain::rate_limit) where every server process sees them: the public
-- endpoints' per client address, failed passwords' per person or unknown login. Used on
-- PostgreSQL; a SQLite file has one server process, which counts in its memory.
CREATE TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    -- When the bucket is empty again.
    tat TIMESTAMP NOT NULL,
    -- Until when every attempt is refused (failed passwords).
    blocked_until TIMESTAMP,
    -- When the row is as good as absent, and swept.
    forgettable_at TIMESTAMP NOT NULL
);
CREATE INDEX rate_buckets_forgettable ON rate_buckets (forgettable_at);
