-- Who sent an invitation last (its inviter, or whoever resent it): accepting re-checks that
-- person's rights as they stand at acceptance.
ALTER TABLE invitations ADD COLUMN sent_by TEXT REFERENCES users (id);

-- Sign-ups waiting for the code sent to their login. They reserve nothing: the login stays
-- free until a sign-up is confirmed, and unconfirmed ones expire.
CREATE TABLE sign_ups (
    id TEXT PRIMARY KEY NOT NULL,
    login TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    account_name TEXT NOT NULL,
    plan TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    -- For a new network profile: the hash of the password given at sign-up.
    password_hash TEXT,
    -- The existing profile whose password the sign-up gave, if any.
    identity_id TEXT REFERENCES identities (id),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sign_ups_login ON sign_ups (login, expires_at);
CREATE INDEX sign_ups_expiry ON sign_ups (expires_at);

-- Messages sent per fixed window: `account:<id>:<channel>` per hour, `recipient:<address>` per
-- day (across accounts). Counted in the transaction that writes the messages.
CREATE TABLE sending_counters (
    counter TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (counter, window_start)
);
CREATE INDEX sending_counters_window ON sending_counters (window_start);
