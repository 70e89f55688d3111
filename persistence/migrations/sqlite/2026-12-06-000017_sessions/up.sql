-- Rule 9: sessions. A login (an accept, a sign-up's confirmation) opens one; its access tokens
-- name it (`sid`) and die with it; its refresh tokens are kept only as SHA-256 hashes, the
-- exchanged ones too, so that one presented again is recognised as a copy (reuse detection).
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    identity_id TEXT NOT NULL,
    account_id TEXT,
    user_id TEXT,
    user_agent TEXT,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    end_reason TEXT
);
CREATE INDEX sessions_identity ON sessions (identity_id, last_used_at);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE refresh_tokens (
    hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    exchanged_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
