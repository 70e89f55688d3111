-- Who answers for a webhook (#24): the API token it was made through, if it was, beside the
-- user (`created_by`); the server switches it off when either could no longer make it, and
-- says why as a word (`disabled_cause`) beside the sentence (`disabled_reason`).
ALTER TABLE webhooks ADD COLUMN created_by_token_id TEXT;
ALTER TABLE webhooks ADD COLUMN disabled_cause TEXT;
UPDATE webhooks SET disabled_cause = 'failing' WHERE disabled_reason IS NOT NULL;
UPDATE webhooks
SET disabled_cause = 'switched_off',
    disabled_at = updated_at,
    disabled_reason = 'switched off (PATCH `active: false`); PATCH `active: true` switches it on again'
WHERE NOT active AND disabled_reason IS NULL;
-- A delivery may be paused (its webhook switched off). SQLite changes a CHECK constraint only by
-- building the table again: the same columns, the new status, the same indexes.
CREATE TABLE outbox_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    webhook_id TEXT,
    event TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'paused')),
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
-- A switched-off webhook posts nothing: its waiting deliveries are paused (pings, which try a
-- receiver, still go).
UPDATE outbox
SET status = 'paused', locked_until = NULL
WHERE channel = 'webhook' AND status = 'pending' AND event <> 'ping'
  AND webhook_id IN (SELECT id FROM webhooks WHERE NOT active);
