-- Webhooks: who made one, and a failing one's streak and switch-off, for the admins to read.
ALTER TABLE webhooks ADD COLUMN created_by TEXT;
ALTER TABLE webhooks ADD COLUMN failing_since TIMESTAMP;
ALTER TABLE webhooks ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE webhooks ADD COLUMN disabled_reason TEXT;
-- A webhook delivery names its event (the same id on every attempt and redelivery), and
-- when it was last tried.
ALTER TABLE outbox ADD COLUMN event_id TEXT;
ALTER TABLE outbox ADD COLUMN last_attempt_at TIMESTAMP;
