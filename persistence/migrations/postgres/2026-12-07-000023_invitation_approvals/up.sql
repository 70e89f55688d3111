-- Approval of invitations (issue #29). `who_can_invite` gains `employees_with_approval`.
ALTER TABLE accounts DROP CONSTRAINT accounts_who_can_invite_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_who_can_invite_check
    CHECK (who_can_invite IN ('admins', 'employees', 'employees_with_approval'));
-- An employee's invitation held for an administrator's approval is stored `pending` — it holds
-- its seat and its login (rules 4 and 6: the counters, `invitations_pending_login`) and expires
-- (rule 7: the sweep) like any pending one — with `approval = 'awaiting'`: shown as
-- `awaiting_approval`, nothing sent. Approved: `approved`; rejected: stored `revoked` with
-- `approval = 'rejected'`, shown as `rejected`. NULL: it never waited.
ALTER TABLE invitations ADD COLUMN approval TEXT
    CHECK (approval IN ('awaiting', 'approved', 'rejected'));
