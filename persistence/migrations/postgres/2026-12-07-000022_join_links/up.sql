-- Join links (issue #29): a workgroup's link to share, found by the hash of its code (the
-- code itself is only in the creation's answer). `uses` counts the confirmed joins and
-- requests; `allowed_domains` is space-separated, empty for any.
CREATE TABLE join_links (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    workgroup_id TEXT NOT NULL REFERENCES workgroups (id),
    code_hash TEXT NOT NULL,
    approval TEXT NOT NULL,
    max_uses INTEGER,
    uses INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMP,
    allowed_domains TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX join_links_code ON join_links (code_hash);
CREATE INDEX join_links_workgroup ON join_links (workgroup_id, created_at);

-- A person asking to join through a link: `unconfirmed` while the code sent to the login
-- waits (a keyed hash bound to the login), then `awaiting_approval` (holding a seat when it
-- brings a new person in: `holds_seat`), `approved`, `rejected`, or `joined` at once. The
-- password is kept as a hash for a new profile, or the profile it proved.
CREATE TABLE join_requests (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    join_link_id TEXT NOT NULL REFERENCES join_links (id),
    workgroup_id TEXT NOT NULL REFERENCES workgroups (id),
    login TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    code_expires_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    holds_seat BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash TEXT,
    identity_id TEXT,
    locale TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT,
    user_id TEXT
);
CREATE INDEX join_requests_code ON join_requests (join_link_id, login, code_hash);
CREATE INDEX join_requests_workgroup ON join_requests (workgroup_id, status, created_at);
-- One request of a login waits for approval in an account at a time.
CREATE UNIQUE INDEX join_requests_awaiting_login ON join_requests (account_id, login)
    WHERE status = 'awaiting_approval';

ALTER TABLE account_seats ADD COLUMN pending_join_requests INTEGER NOT NULL DEFAULT 0;
