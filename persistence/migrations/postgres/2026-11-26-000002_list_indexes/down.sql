DROP INDEX users_account_type;
DROP INDEX invitations_workgroup;
DROP INDEX invitations_type;
DROP INDEX invitations_status;
