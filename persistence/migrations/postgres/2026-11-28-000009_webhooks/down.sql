ALTER TABLE outbox DROP COLUMN last_attempt_at;
ALTER TABLE outbox DROP COLUMN event_id;
ALTER TABLE webhooks DROP COLUMN disabled_reason;
ALTER TABLE webhooks DROP COLUMN disabled_at;
ALTER TABLE webhooks DROP COLUMN failing_since;
ALTER TABLE webhooks DROP COLUMN created_by;
