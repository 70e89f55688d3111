DROP INDEX invitations_accepted_user;
DROP INDEX users_access_reminders;
ALTER TABLE users DROP COLUMN inviter_reminded_1d_for;
ALTER TABLE users DROP COLUMN inviter_reminded_7d_for;
