-- What became of an invitation's current message, written onto the invitation by the delivery
-- worker (one statement per round for the messages sent; one per failure), so that lists show
-- it without reading the outbox. NULL: no message is known (older than the record).
ALTER TABLE invitations ADD COLUMN delivery_state TEXT CHECK (delivery_state IN ('queued', 'sent', 'failed'));
ALTER TABLE invitations ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN delivery_error TEXT;
ALTER TABLE invitations ADD COLUMN delivery_next_at TIMESTAMP;
UPDATE invitations SET
    delivery_state = CASE o.status WHEN 'pending' THEN 'queued' ELSE o.status END,
    delivery_attempts = o.attempts + CASE o.status WHEN 'sent' THEN 1 ELSE 0 END,
    delivery_error = CASE o.status WHEN 'sent' THEN NULL ELSE o.last_error END,
    delivery_next_at = CASE WHEN o.status = 'pending' AND o.attempts > 0 THEN o.next_attempt_at END
FROM outbox AS o
WHERE o.id = invitations.message_id;
