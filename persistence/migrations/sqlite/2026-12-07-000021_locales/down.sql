ALTER TABLE sign_ups DROP COLUMN locale;
ALTER TABLE identities DROP COLUMN locale;
ALTER TABLE invitations DROP COLUMN locale;
ALTER TABLE accounts DROP COLUMN locale;
