-- Access that ends (issue #30). An external user's access may end at an instant
-- (`access_expires_at`, NULL: no end); at that instant the user holds no seat and no token of it
-- works, whether or not the sweep has recorded the dismissal yet (reads discount them). The
-- sweep then dismisses the user by the system: `dismissal` says why a dismissed user is so
-- (NULL: an administrator, as every dismissal before).
ALTER TABLE users ADD COLUMN access_expires_at TIMESTAMP;
ALTER TABLE users ADD COLUMN dismissal TEXT
    CHECK (dismissal IN ('access_expired', 'access_review'));
-- The end date each reminder was sent for (7 days and 1 day before): a reminder is due when
-- the stored date is not the user's end date of now, so moving the date re-arms both.
ALTER TABLE users ADD COLUMN reminded_7d_for TIMESTAMP;
ALTER TABLE users ADD COLUMN reminded_1d_for TIMESTAMP;
CREATE INDEX users_access_end ON users (account_id, access_expires_at)
    WHERE status = 'active' AND access_expires_at IS NOT NULL;
-- A membership may end too; the sweep removes it (`membership.expired`).
ALTER TABLE memberships ADD COLUMN expires_at TIMESTAMP;
CREATE INDEX memberships_end ON memberships (account_id, expires_at)
    WHERE expires_at IS NOT NULL;
-- What an accepted invitation gives its new user: the end of its access.
ALTER TABLE invitations ADD COLUMN access_expires_at TIMESTAMP;
-- The account's default length of a new external user's access, and a workgroup's maximum.
ALTER TABLE accounts ADD COLUMN default_external_access_days INTEGER
    CHECK (default_external_access_days BETWEEN 1 AND 3650);
ALTER TABLE workgroups ADD COLUMN max_external_access_days INTEGER
    CHECK (max_external_access_days BETWEEN 1 AND 3650);
