-- A person's data exported and erased (issue #32): what the person did (every event a user acts in names its profile too), found by an index whatever
-- else the table holds.
CREATE INDEX audit_events_actor ON audit_events (actor_identity_id, id);
