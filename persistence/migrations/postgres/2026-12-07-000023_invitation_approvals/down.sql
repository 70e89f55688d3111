ALTER TABLE invitations DROP COLUMN approval;
UPDATE accounts SET who_can_invite = 'employees' WHERE who_can_invite = 'employees_with_approval';
ALTER TABLE accounts DROP CONSTRAINT accounts_who_can_invite_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_who_can_invite_check
    CHECK (who_can_invite IN ('admins', 'employees'));
