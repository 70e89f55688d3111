-- A person's data exported and erased (issue #32): the join requests a login asked, found by an index whatever
-- else the table holds.
CREATE INDEX join_requests_login ON join_requests (login, id);
