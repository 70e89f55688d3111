-- Filtered lists read one page of an index, newest first, however many rows are stored.
CREATE INDEX invitations_status ON invitations (account_id, status, id);
CREATE INDEX invitations_type ON invitations (account_id, invitation_type, id);
CREATE INDEX invitations_workgroup ON invitations (workgroup_id, id);
CREATE INDEX users_account_type ON users (account_id, user_type, id);
