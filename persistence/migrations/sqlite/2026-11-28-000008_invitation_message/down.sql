ALTER TABLE invitations DROP COLUMN message_id;
