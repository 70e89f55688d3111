ALTER TABLE invitations DROP COLUMN approval;
ALTER TABLE accounts ADD COLUMN who_can_invite_words TEXT NOT NULL DEFAULT 'admins'
    CHECK (who_can_invite_words IN ('admins', 'employees'));
UPDATE accounts SET who_can_invite_words =
    CASE who_can_invite WHEN 'employees_with_approval' THEN 'employees' ELSE who_can_invite END;
ALTER TABLE accounts DROP COLUMN who_can_invite;
ALTER TABLE accounts RENAME COLUMN who_can_invite_words TO who_can_invite;
