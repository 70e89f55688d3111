-- A person's data exported and erased (issue #32): what was addressed to one of the person's logins, in every account or one (both columns), found by an index whatever
-- else the table holds.
-- Built CONCURRENTLY (outside a transaction: metadata.toml; alone in its file), so that a
-- running release keeps writing meanwhile; an interrupted build leaves an invalid index that
-- IF NOT EXISTS would keep: `DROP INDEX CONCURRENTLY invitations_login` before migrating again.
CREATE INDEX CONCURRENTLY IF NOT EXISTS invitations_login ON invitations (login, account_id, id);
