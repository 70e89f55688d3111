-- Retention (issue #32): the sweep finds decided join requests (approved, rejected, joined:
-- the only ones with a decision instant) by when they were decided, however many were kept.
CREATE INDEX join_requests_decided ON join_requests (decided_at) WHERE decided_at IS NOT NULL;
