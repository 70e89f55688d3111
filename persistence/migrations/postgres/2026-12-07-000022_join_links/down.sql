ALTER TABLE account_seats DROP COLUMN pending_join_requests;
DROP TABLE join_requests;
DROP TABLE join_links;
