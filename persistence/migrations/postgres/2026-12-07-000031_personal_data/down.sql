DROP INDEX outbox_recipient;
DROP INDEX audit_events_actor;
DROP INDEX join_requests_identity;
DROP INDEX join_requests_login;
DROP INDEX invitations_login;
