UPDATE outbox SET status = 'pending' WHERE channel = 'webhook' AND status = 'paused';
CREATE TABLE outbox_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    webhook_id TEXT,
    event TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    response_status INTEGER,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    event_id TEXT,
    last_attempt_at TIMESTAMP
);
INSERT INTO outbox_rebuilt (
    id, account_id, channel, recipient, payload, webhook_id, event, status, attempts,
    next_attempt_at, locked_until, last_error, response_status, created_at, sent_at, event_id,
    last_attempt_at
)
SELECT
    id, account_id, channel, recipient, payload, webhook_id, event, status, attempts,
    next_attempt_at, locked_until, last_error, response_status, created_at, sent_at, event_id,
    last_attempt_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_webhook ON outbox (webhook_id, id) WHERE webhook_id IS NOT NULL;
CREATE INDEX outbox_unsent ON outbox (status, channel) WHERE status <> 'sent';
ALTER TABLE webhooks DROP COLUMN disabled_cause;
ALTER TABLE webhooks DROP COLUMN created_by_token_id;
