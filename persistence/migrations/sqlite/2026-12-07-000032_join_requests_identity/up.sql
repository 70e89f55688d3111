-- A person's data exported and erased (issue #32): what a profile asked with its password, found by an index whatever
-- else the table holds.
CREATE INDEX join_requests_identity ON join_requests (identity_id, id);
