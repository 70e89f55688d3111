-- Retention (issue #32): the sweep finds what outlived its period by these indexes alone, in
-- batches, however much was ever kept. `outbox_kept`: messages and deliveries not yet erased
-- (an erased message's recipient is empty), by status and when they were last due (SQLite
-- prefers it to `outbox_due`, which holds the erased rows too); its condition is the
-- sweep's, word for word, so that both planners use it. `audit_events_age`: the audit trail
-- by age. `sessions_ended` and `sessions_expiry`: sessions by either end.
CREATE INDEX outbox_kept ON outbox (status, next_attempt_at) WHERE recipient <> '';
CREATE INDEX audit_events_age ON audit_events (created_at);
CREATE INDEX sessions_ended ON sessions (ended_at);
CREATE INDEX sessions_expiry ON sessions (expires_at);
