-- 0010: school verification (학교 인증) and password reset.
-- A user is verified once a code mailed to an address at the school's
-- domain comes back; that address is kept (lowercased) and may verify one
-- account only. A board may admit only verified writers.
ALTER TABLE users ADD COLUMN is_verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN school_email VARCHAR(254) NULL;
CREATE UNIQUE INDEX users_school_email ON users (school_email);
ALTER TABLE boards ADD COLUMN requires_verification INTEGER NOT NULL DEFAULT 0;

-- the one live code of a user: a new mail replaces it. code_hash is a
-- bcrypt of the six digits; attempts counts every try before it is checked,
-- so the fifth wrong one voids it.
CREATE TABLE verification_codes (
    user_id     CHAR(36) PRIMARY KEY REFERENCES users(id),
    email       VARCHAR(254) NOT NULL,
    code_hash   VARCHAR(128) NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    expires_at  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- one row per verification mail, for the limit of mails per user and hour
CREATE TABLE verification_mails (
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    sent_at     BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX verification_mails_user ON verification_mails (user_id, sent_at);

-- password reset tokens, by the SHA-256 (hex) of the token mailed; a row
-- without a user is the stand-in written for an address nobody has, so that
-- both answers cost the same. used_at is set by the one reset that spends it.
CREATE TABLE password_resets (
    token_hash  CHAR(64) PRIMARY KEY,
    user_id     CHAR(36) NULL REFERENCES users(id),
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_expires ON password_resets (expires_at);

UPDATE schema_version SET version = 10;
