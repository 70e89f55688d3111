ALTER TABLE accounts DROP COLUMN active_webhooks;
