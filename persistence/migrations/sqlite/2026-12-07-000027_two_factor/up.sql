-- Two-step authentication (issue #31, rule 13). A profile's TOTP secret, sealed like webhook
-- secrets (the server's key opens it), with the instant the first code confirmed it
-- (`enabled_at`; NULL while a set-up waits) and the step of the last code accepted, so that a
-- code is accepted once: the conditional update that records a step is what refuses a replay,
-- in every server process.
CREATE TABLE two_factors (
    identity_id TEXT PRIMARY KEY REFERENCES identities (id),
    sealed_secret TEXT NOT NULL,
    enabled_at TIMESTAMP,
    last_step BIGINT,
    created_at TIMESTAMP NOT NULL
);
-- Ten single-use recovery codes per profile, kept as keyed hashes; spent by a conditional
-- update of `used_at`.
CREATE TABLE recovery_codes (
    identity_id TEXT NOT NULL REFERENCES identities (id),
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    PRIMARY KEY (identity_id, code_hash)
);
-- Whom the account requires two-step authentication of: `none`, `admins` or `everyone`.
ALTER TABLE accounts ADD COLUMN require_two_factor TEXT NOT NULL DEFAULT 'none';
