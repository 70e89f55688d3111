-- Counts the login changes of the account's people, bumped by every confirmed login change
-- under the account's lock: a batch decided on the logins it read without the lock (on
-- PostgreSQL) reserves its seats only while this is what it read, so a login that became a
-- user's meanwhile is seen (rule 6 under any interleaving).
ALTER TABLE accounts ADD COLUMN logins_version INTEGER NOT NULL DEFAULT 0;
