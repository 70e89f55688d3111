DROP TABLE sending_counters;
DROP TABLE sign_ups;
ALTER TABLE invitations DROP COLUMN sent_by;
