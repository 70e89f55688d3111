-- A person's data exported and erased (issue #32): the messages sent to a login, not webhooks' deliveries (its condition is the export's, word for word, so that both planners use it), found by an index whatever
-- else the table holds.
-- Built CONCURRENTLY (outside a transaction: metadata.toml; alone in its file), so that a
-- running release keeps writing meanwhile; an interrupted build leaves an invalid index that
-- IF NOT EXISTS would keep: `DROP INDEX CONCURRENTLY outbox_recipient` before migrating again.
CREATE INDEX CONCURRENTLY IF NOT EXISTS outbox_recipient ON outbox (recipient, id) WHERE channel <> 'webhook';
