-- 0005: the login throttle counts in the database, not in the token cache:
-- one row per (client address, login_id) with attempts in the current
-- window. The key is a hash of both, so neither is stored. The count is
-- raised by one atomic upsert before the password is checked, so parallel
-- guesses and servers that share this database all see the same count.
-- window_ends (microseconds) is per row, so virtual hosts with different
-- windows share the table; rows whose window has ended are swept.
CREATE TABLE login_attempts (
    throttle_key  VARCHAR(64) PRIMARY KEY,
    window_ends   BIGINT NOT NULL,
    attempts      BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX login_attempts_window_ends ON login_attempts (window_ends);

UPDATE schema_version SET version = 5;
