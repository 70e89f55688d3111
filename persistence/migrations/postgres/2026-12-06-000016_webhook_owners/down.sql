UPDATE outbox SET status = 'pending' WHERE channel = 'webhook' AND status = 'paused';
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed'));
ALTER TABLE webhooks DROP COLUMN disabled_cause;
ALTER TABLE webhooks DROP COLUMN created_by_token_id;
