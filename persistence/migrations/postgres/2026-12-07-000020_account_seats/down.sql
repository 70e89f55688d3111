ALTER TABLE accounts ADD COLUMN active_intranet INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN active_extranet INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN pending_invitations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN logins_version INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET
    active_intranet = (SELECT s.active_intranet FROM account_seats s WHERE s.account_id = accounts.id),
    active_extranet = (SELECT s.active_extranet FROM account_seats s WHERE s.account_id = accounts.id),
    pending_invitations = (SELECT s.pending_invitations FROM account_seats s WHERE s.account_id = accounts.id),
    logins_version = (SELECT s.version FROM account_seats s WHERE s.account_id = accounts.id);
DROP TABLE account_seats;
