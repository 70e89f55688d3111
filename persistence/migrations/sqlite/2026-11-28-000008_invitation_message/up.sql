-- The invitation's current message in the outbox: a resend replaces it, and the old row, if
-- not sent yet, is dropped (its link is dead).
ALTER TABLE invitations ADD COLUMN message_id TEXT;
UPDATE invitations SET message_id = latest.id
FROM (
    SELECT json_extract(payload, '$.invitation_id') AS invitation_id, max(id) AS id
    FROM outbox
    WHERE json_extract(payload, '$.kind') = 'invitation'
    GROUP BY json_extract(payload, '$.invitation_id')
) AS latest
WHERE latest.invitation_id = invitations.id;
