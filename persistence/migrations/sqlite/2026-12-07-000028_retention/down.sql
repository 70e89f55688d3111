DROP INDEX sessions_expiry;
DROP INDEX sessions_ended;
DROP INDEX audit_events_age;
DROP INDEX outbox_kept;
