-- A person's data exported and erased (issue #32): the join requests a login asked, found by an index whatever
-- else the table holds.
-- Built CONCURRENTLY (outside a transaction: metadata.toml; alone in its file), so that a
-- running release keeps writing meanwhile; an interrupted build leaves an invalid index that
-- IF NOT EXISTS would keep: `DROP INDEX CONCURRENTLY join_requests_login` before migrating again.
CREATE INDEX CONCURRENTLY IF NOT EXISTS join_requests_login ON join_requests (login, id);
