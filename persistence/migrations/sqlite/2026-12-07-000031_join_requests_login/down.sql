DROP INDEX join_requests_login;
