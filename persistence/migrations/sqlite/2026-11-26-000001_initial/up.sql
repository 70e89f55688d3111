-- The whole product's tables, designed once (issue #2); later issues fill the endpoints.
-- Ids are UUIDv7 text (time-ordered, so `ORDER BY id DESC` is newest first); times are UTC.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    plan TEXT NOT NULL,
    who_can_invite TEXT NOT NULL DEFAULT 'admins' CHECK (who_can_invite IN ('admins', 'employees')),
    external_domains_mode TEXT NOT NULL DEFAULT 'any' CHECK (external_domains_mode IN ('any', 'allow', 'deny')),
    external_domains TEXT NOT NULL DEFAULT '',
    invitation_ttl_hours INTEGER NOT NULL DEFAULT 168,
    -- Seat counters, changed in the same transaction as the rows they count, so that a seat
    -- check reads one row however many users and invitations are stored.
    active_intranet INTEGER NOT NULL DEFAULT 0,
    active_extranet INTEGER NOT NULL DEFAULT 0,
    pending_invitations INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE identities (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

CREATE TABLE login_changes (
    id TEXT PRIMARY KEY NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities (id),
    new_email TEXT,
    new_phone TEXT,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX login_changes_identity ON login_changes (identity_id, id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    identity_id TEXT NOT NULL REFERENCES identities (id),
    user_type TEXT NOT NULL CHECK (user_type IN ('intranet', 'extranet')),
    status TEXT NOT NULL CHECK (status IN ('active', 'dismissed')),
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    dismissed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, identity_id)
);
CREATE INDEX users_account ON users (account_id, id);
CREATE INDEX users_identity ON users (identity_id);

CREATE TABLE workgroups (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('group', 'project')),
    description TEXT,
    allow_external BOOLEAN NOT NULL DEFAULT FALSE,
    invite_policy TEXT NOT NULL DEFAULT 'members' CHECK (invite_policy IN ('owner', 'moderators', 'members')),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX workgroups_account ON workgroups (account_id, id);

CREATE TABLE memberships (
    workgroup_id TEXT NOT NULL REFERENCES workgroups (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
    status TEXT NOT NULL CHECK (status IN ('active', 'invited')),
    invited_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workgroup_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id, status);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    invitation_type TEXT NOT NULL CHECK (invitation_type IN ('intranet', 'extranet')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
    email TEXT,
    phone TEXT,
    -- The normalised email or phone: one pending invitation per login and account (rule 6).
    login TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    workgroup_id TEXT REFERENCES workgroups (id),
    message TEXT,
    invited_by TEXT NOT NULL REFERENCES users (id),
    -- SHA-256 of the token; the token itself is never stored.
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    sent_count INTEGER NOT NULL DEFAULT 1,
    last_sent_at TIMESTAMP NOT NULL,
    accepted_user_id TEXT REFERENCES users (id),
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((email IS NULL) <> (phone IS NULL))
);
CREATE UNIQUE INDEX invitations_pending_login ON invitations (account_id, login) WHERE status = 'pending';
CREATE INDEX invitations_account ON invitations (account_id, id);
CREATE INDEX invitations_expiry ON invitations (account_id, status, expires_at);

-- Messages leave only through here, after commit; workers claim, send, retry with backoff.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    webhook_id TEXT,
    event TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    response_status INTEGER,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_webhook ON outbox (webhook_id, id);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    actor_user_id TEXT,
    actor_identity_id TEXT,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_account ON audit_events (account_id, id);

-- Replays of creating POSTs: scope is the account (or `public` for sign-up).
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    -- SHA-256 of the secret; the secret is shown once, at creation.
    secret_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_account ON api_tokens (account_id, id);

CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_account ON webhooks (account_id, id);
