-- Wrong codes, counted per login, profile or client address (domain::code_attempts): they slow
-- a guesser down and never cancel the code, so the counts per waiting sign-up and login change
-- (whose fifth wrong code killed it) go.
CREATE TABLE code_attempts (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failed_at TIMESTAMP NOT NULL
);
CREATE INDEX code_attempts_last_failed ON code_attempts (last_failed_at);
ALTER TABLE sign_ups DROP COLUMN failed_attempts;
ALTER TABLE login_changes DROP COLUMN attempts;
