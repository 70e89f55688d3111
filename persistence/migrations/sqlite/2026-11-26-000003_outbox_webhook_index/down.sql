DROP INDEX outbox_webhook;
CREATE INDEX outbox_webhook ON outbox (webhook_id, id);
