ALTER TABLE accounts DROP COLUMN logins_version;
