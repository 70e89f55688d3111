-- Only webhook deliveries have a webhook: index those alone, not every message.
DROP INDEX outbox_webhook;
CREATE INDEX outbox_webhook ON outbox (webhook_id, id) WHERE webhook_id IS NOT NULL;
