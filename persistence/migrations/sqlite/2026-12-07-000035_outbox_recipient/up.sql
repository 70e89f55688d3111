-- A person's data exported and erased (issue #32): the messages sent to a login, not webhooks' deliveries (its condition is the export's, word for word, so that both planners use it), found by an index whatever
-- else the table holds.
CREATE INDEX outbox_recipient ON outbox (recipient, id) WHERE channel <> 'webhook';
