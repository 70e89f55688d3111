-- The invitation's current message in the outbox (a resend replaces it; the old row, if not
-- sent yet, is dropped: its link is dead), and what became of it, copied onto the invitation
-- by the delivery worker with each attempt, so that lists show it without reading the outbox.
-- No delivery state: the invitation's message is unknown (none was ever found for it).
ALTER TABLE invitations ADD COLUMN message_id TEXT;
ALTER TABLE invitations ADD COLUMN delivery_state TEXT CHECK (delivery_state IN ('queued', 'sent', 'failed'));
ALTER TABLE invitations ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN delivery_error TEXT;
ALTER TABLE invitations ADD COLUMN delivery_next_attempt_at TIMESTAMP;
UPDATE invitations SET message_id = latest.id
FROM (
    SELECT payload::jsonb ->> 'invitation_id' AS invitation_id, max(id) AS id
    FROM outbox
    WHERE payload::jsonb ->> 'kind' = 'invitation'
    GROUP BY payload::jsonb ->> 'invitation_id'
) AS latest
WHERE latest.invitation_id = invitations.id;
UPDATE invitations SET
    delivery_state = CASE o.status WHEN 'pending' THEN 'queued' ELSE o.status END,
    delivery_attempts = o.attempts + CASE o.status WHEN 'sent' THEN 1 ELSE 0 END,
    delivery_error = CASE o.status WHEN 'sent' THEN NULL ELSE o.last_error END,
    delivery_next_attempt_at = CASE o.status WHEN 'pending' THEN o.next_attempt_at END
FROM outbox AS o
WHERE o.id = invitations.message_id;
