DROP INDEX api_tokens_user;
DROP INDEX audit_events_subject;
ALTER TABLE audit_events DROP COLUMN request_id;
ALTER TABLE audit_events DROP COLUMN actor_token_id;
