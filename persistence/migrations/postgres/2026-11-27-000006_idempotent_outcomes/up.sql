-- An idempotency key now keeps what the use case produced (its outcome, as JSON), not an HTTP
-- response: the API renders fresh and replayed answers with the same code. Stored responses of
-- the old shape cannot be read as outcomes, so they are dropped (keys live 24 hours).
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    -- Whose key it is (`user:<id>`): another caller's same key is a request of its own.
    caller TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
