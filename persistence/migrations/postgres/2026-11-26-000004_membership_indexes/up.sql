-- A user's memberships by status, in workgroup order: the caller's membership invitations
-- and an external user's own workgroups read one index range, already sorted.
CREATE INDEX memberships_user_status ON memberships (user_id, status, workgroup_id);
DROP INDEX memberships_user;
