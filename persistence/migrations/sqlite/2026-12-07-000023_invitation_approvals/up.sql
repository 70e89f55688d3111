-- Approval of invitations (issue #29). `who_can_invite` gains `employees_with_approval`. SQLite
-- changes a column's CHECK only with the column: a new column with the new check takes the
-- values, the old one is dropped, and the new one takes its name (its check follows it).
ALTER TABLE accounts ADD COLUMN who_can_invite_words TEXT NOT NULL DEFAULT 'admins'
    CHECK (who_can_invite_words IN ('admins', 'employees', 'employees_with_approval'));
UPDATE accounts SET who_can_invite_words = who_can_invite;
ALTER TABLE accounts DROP COLUMN who_can_invite;
ALTER TABLE accounts RENAME COLUMN who_can_invite_words TO who_can_invite;
-- An employee's invitation held for an administrator's approval is stored `pending` — it holds
-- its seat and its login (rules 4 and 6: the counters, `invitations_pending_login`) and expires
-- (rule 7: the sweep) like any pending one — with `approval = 'awaiting'`: shown as
-- `awaiting_approval`, nothing sent. Approved: `approved`; rejected: stored `revoked` with
-- `approval = 'rejected'`, shown as `rejected`. NULL: it never waited.
ALTER TABLE invitations ADD COLUMN approval TEXT
    CHECK (approval IN ('awaiting', 'approved', 'rejected'));
