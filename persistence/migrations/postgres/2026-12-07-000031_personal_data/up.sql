-- A person's data exported (issue #32, GDPR art. 15/20): every row about the person is found
-- by an index, whatever else the tables hold. `invitations_login` and `join_requests_login`:
-- what was addressed to one of the person's logins (in one account: both columns); `join_requests_identity`: what a profile
-- asked with its password; `audit_events_actor`: what the person did (every event a user acts
-- in names its profile too); `outbox_recipient`: the messages sent to a login, not webhooks'
-- deliveries (its condition is the export's, word for word, so that both planners use it).
CREATE INDEX invitations_login ON invitations (login, account_id, id);
CREATE INDEX join_requests_login ON join_requests (login, id);
CREATE INDEX join_requests_identity ON join_requests (identity_id, id);
CREATE INDEX audit_events_actor ON audit_events (actor_identity_id, id);
CREATE INDEX outbox_recipient ON outbox (recipient, id) WHERE channel <> 'webhook';
