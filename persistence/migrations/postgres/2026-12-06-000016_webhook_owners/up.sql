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
-- A delivery may be paused (its webhook switched off).
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'paused'));
-- A switched-off webhook posts nothing: its waiting deliveries are paused (pings, which try a
-- receiver, still go).
UPDATE outbox
SET status = 'paused', locked_until = NULL
WHERE channel = 'webhook' AND status = 'pending' AND event <> 'ping'
  AND webhook_id IN (SELECT id FROM webhooks WHERE NOT active);
