DROP TABLE erasure_codes;
ALTER TABLE identities DROP COLUMN erased_at;
ALTER TABLE users DROP COLUMN erased_at;
