-- Retention (issue #32): the sweep finds decided join requests (approved, rejected, joined:
-- the only ones with a decision instant) by when they were decided, however many were kept.
-- Built CONCURRENTLY, so that a running release keeps writing join requests meanwhile: outside
-- a transaction (metadata.toml), and alone in this file (PostgreSQL runs several statements
-- sent at once in one implicit transaction, where CONCURRENTLY is refused).
CREATE INDEX CONCURRENTLY IF NOT EXISTS join_requests_decided ON join_requests (decided_at) WHERE decided_at IS NOT NULL;
