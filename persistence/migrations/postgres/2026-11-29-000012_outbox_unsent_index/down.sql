DROP INDEX outbox_unsent;
