-- What /metrics counts at every scrape: the messages not sent yet, waiting or given up, by
-- status and channel, from this index alone. Sent messages leave it, so it stays as small as
-- the backlog and the failures however many messages were ever sent (the outbox keeps them).
CREATE INDEX outbox_unsent ON outbox (status, channel) WHERE status <> 'sent';
