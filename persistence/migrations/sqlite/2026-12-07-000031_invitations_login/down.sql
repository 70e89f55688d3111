DROP INDEX invitations_login;
