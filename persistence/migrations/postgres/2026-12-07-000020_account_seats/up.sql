-- The seat counters move off `accounts` onto a row of their own, which no foreign key
-- references. Every invitation updates them, and every row an invitation writes (the
-- invitation, its message, its audit event) references its account: on PostgreSQL each such
-- row share-locks the account's row for its foreign key, and with the counters on that row
-- each invitation left a new version of it marked with the share-lockers' multixact, which
-- every later foreign-key check and read of the account walked (`GetMultiXactIdMembers`).
--
-- `version` counts the changes of what a batch decides on without the account's lock (the
-- plan, the settings, the active webhooks, a login taken by one of the account's people): a
-- batch reserves its seats only while it is the one it read. It takes over
-- `accounts.logins_version`. The row is also what a write of the account locks.
CREATE TABLE account_seats (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id),
    active_intranet INTEGER NOT NULL DEFAULT 0,
    active_extranet INTEGER NOT NULL DEFAULT 0,
    pending_invitations INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0
);
INSERT INTO account_seats (account_id, active_intranet, active_extranet, pending_invitations, version)
SELECT id, active_intranet, active_extranet, pending_invitations, logins_version FROM accounts;
ALTER TABLE accounts DROP COLUMN active_intranet;
ALTER TABLE accounts DROP COLUMN active_extranet;
ALTER TABLE accounts DROP COLUMN pending_invitations;
ALTER TABLE accounts DROP COLUMN logins_version;
