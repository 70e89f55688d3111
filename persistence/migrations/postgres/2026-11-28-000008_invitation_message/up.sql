-- The invitation's current message in the outbox: a resend replaces it, and the old row, if
-- not sent yet, is dropped (its link is dead).
ALTER TABLE invitations ADD COLUMN message_id TEXT;
UPDATE invitations SET message_id = latest.id
FROM (
    SELECT payload::jsonb ->> 'invitation_id' AS invitation_id, max(id) AS id
    FROM outbox
    WHERE payload::jsonb ->> 'kind' = 'invitation'
    GROUP BY payload::jsonb ->> 'invitation_id'
) AS latest
WHERE latest.invitation_id = invitations.id;
