-- Password resets waiting for the code sent to one of a profile's logins (rules 9, 11). The
-- code is kept only as a keyed hash bound to that login. Several may wait at once: a new
-- request never makes an earlier code useless, and wrong codes never cancel one (they are
-- counted in `code_attempts`). The right code spends every waiting reset of the profile.
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities (id),
    login TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_code ON password_resets (identity_id, login, code_hash);
CREATE INDEX password_resets_expiry ON password_resets (expires_at);
