DROP INDEX join_requests_decided;
