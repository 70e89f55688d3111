DROP INDEX join_requests_identity;
