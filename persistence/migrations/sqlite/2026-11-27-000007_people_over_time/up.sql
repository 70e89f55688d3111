-- The audit log names the API token a user acted through, and the request (its id is the
-- `X-Request-Id` of the response); it is read newest first, whole or by target. The target's
-- index holds the account and the order too: with `(subject_id)` alone SQLite's planner
-- prefers `audit_events_account`, which gives the order, and reads the account's every event.
ALTER TABLE audit_events ADD COLUMN actor_token_id TEXT;
ALTER TABLE audit_events ADD COLUMN request_id TEXT;
CREATE INDEX audit_events_subject ON audit_events (account_id, subject_id, id);
-- A user's tokens, counted at creation and listed by their owner.
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
