CREATE INDEX memberships_user ON memberships (user_id, status);
DROP INDEX memberships_user_status;
