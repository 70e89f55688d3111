-- The language messages are written in (issue #28): an account's default, an invitation's own
-- (NULL: the account's), a profile's choice (NULL: none made), and the one a sign-up's code
-- went out in, which becomes the new account's default.
ALTER TABLE accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE invitations ADD COLUMN locale TEXT;
ALTER TABLE identities ADD COLUMN locale TEXT;
ALTER TABLE sign_ups ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
