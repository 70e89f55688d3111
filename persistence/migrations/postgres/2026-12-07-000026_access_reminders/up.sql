-- Reminders that an external user's access ends (issue #30), 7 days and 1 day before it. The
-- user's own are marked in `reminded_7d_for` / `reminded_1d_for` (000024); these mark the
-- reminders to whoever invited the user: the end date each was last sent for, or settled for
-- when there was nobody to tell. Apart from the user's, so that a sending quota that refuses
-- one of the two messages holds back that one only: the next upkeep tries it again.
ALTER TABLE users ADD COLUMN inviter_reminded_7d_for TIMESTAMP;
ALTER TABLE users ADD COLUMN inviter_reminded_1d_for TIMESTAMP;
-- The upkeep's search for due reminders, across accounts: active users by the end of their
-- access (`users_access_end` leads with the account).
CREATE INDEX users_access_reminders ON users (access_expires_at)
    WHERE status = 'active' AND access_expires_at IS NOT NULL;
-- Who invited a user (the inviter of the invitation it accepted), whom the reminders tell too.
CREATE INDEX invitations_accepted_user ON invitations (accepted_user_id)
    WHERE accepted_user_id IS NOT NULL;
