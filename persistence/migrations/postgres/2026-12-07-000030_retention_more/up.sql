-- Retention (issue #32): the sweep finds decided join requests (approved, rejected, joined:
-- the only ones with a decision instant) by when they were decided, however many were kept.
-- Built CONCURRENTLY, so that a running release keeps writing join requests meanwhile: outside
-- a transaction (metadata.toml), and alone in this file (PostgreSQL runs several statements
-- sent at once in one implicit transaction, where CONCURRENTLY is refused). A build that was
-- interrupted leaves an invalid index, which IF NOT EXISTS would keep: find it with
-- `SELECT indisvalid FROM pg_index WHERE indexrelid = 'join_requests_decided'::regclass`, and
-- `DROP INDEX CONCURRENTLY join_requests_decided` before migrating again.
CREATE INDEX CONCURRENTLY IF NOT EXISTS join_requests_decided ON join_requests (decided_at) WHERE decided_at IS NOT NULL;
