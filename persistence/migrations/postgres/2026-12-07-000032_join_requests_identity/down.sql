DROP INDEX CONCURRENTLY IF EXISTS join_requests_identity;
