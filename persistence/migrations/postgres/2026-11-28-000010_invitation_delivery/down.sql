ALTER TABLE invitations DROP COLUMN delivery_next_at;
ALTER TABLE invitations DROP COLUMN delivery_error;
ALTER TABLE invitations DROP COLUMN delivery_attempts;
ALTER TABLE invitations DROP COLUMN delivery_state;
