-- A person's data exported and erased (issue #32): what was addressed to one of the person's logins, in every account or one (both columns), found by an index whatever
-- else the table holds.
CREATE INDEX invitations_login ON invitations (login, account_id, id);
