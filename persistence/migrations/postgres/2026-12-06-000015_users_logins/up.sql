-- The email and phone an account knows each of its users by (issue #24). An active user's are
-- its network profile's, written by every login change of the profile; a dismissed user's are
-- those of its dismissal, which the account goes on seeing whatever the person does with the
-- profile, until it is reinstated. Unique in the account (rule 6): a login the person has
-- since given up gives way, when the account comes to know someone else by it.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
-- Users dismissed before today are known by their profile's logins of now: the best there is.
UPDATE users SET email = identities.email, phone = identities.phone
    FROM identities WHERE identities.id = users.identity_id;
CREATE UNIQUE INDEX users_account_email ON users (account_id, email);
CREATE UNIQUE INDEX users_account_phone ON users (account_id, phone);
