-- A person's data erased (issue #32, rule 14). Expand only: nullable columns and a new table,
-- so the previous release serves on this schema unchanged.
-- When the user's (an account's view of the person) and the profile's data were erased: the
-- rows stay, as tombstones (an erased user in its account's lists and audit trail).
ALTER TABLE users ADD COLUMN erased_at TIMESTAMP;
ALTER TABLE identities ADD COLUMN erased_at TIMESTAMP;
-- The code that confirms a person's own erasure: one per profile, a keyed hash, sent to the
-- profile's login; a new request replaces it.
CREATE TABLE erasure_codes (
    identity_id TEXT PRIMARY KEY REFERENCES identities (id),
    code_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
