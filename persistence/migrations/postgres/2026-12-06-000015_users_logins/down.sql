DROP INDEX users_account_phone;
DROP INDEX users_account_email;
ALTER TABLE users DROP COLUMN phone;
ALTER TABLE users DROP COLUMN email;
