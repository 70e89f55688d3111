-- A person's data exported and erased (issue #32): what the person did (every event a user acts in names its profile too), found by an index whatever
-- else the table holds.
-- Built CONCURRENTLY (outside a transaction: metadata.toml; alone in its file), so that a
-- running release keeps writing meanwhile; an interrupted build leaves an invalid index that
-- IF NOT EXISTS would keep: `DROP INDEX CONCURRENTLY audit_events_actor` before migrating again.
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_events_actor ON audit_events (actor_identity_id, id);
