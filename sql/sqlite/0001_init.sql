-- 0001: schools, users, boards, token families and refresh tokens.
-- Times are integer microseconds since the epoch; booleans 0/1; user ids UUID text.
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (0);

CREATE TABLE schools (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        VARCHAR(100) NOT NULL UNIQUE,
    domain      VARCHAR(100),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id              CHAR(36) PRIMARY KEY,
    login_id        VARCHAR(150) NOT NULL UNIQUE,
    password        VARCHAR(128) NOT NULL,
    email           VARCHAR(254) NOT NULL UNIQUE,
    nickname        VARCHAR(30) NOT NULL UNIQUE,
    school_id       INTEGER NOT NULL REFERENCES schools(id),
    admission_year  INTEGER NOT NULL,
    role            VARCHAR(16) NOT NULL DEFAULT 'ROLE_USER',
    is_active       INTEGER NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE boards (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id        INTEGER NOT NULL REFERENCES schools(id),
    category         VARCHAR(50) NOT NULL,
    name             VARCHAR(100) NOT NULL,
    description      VARCHAR(500) NOT NULL DEFAULT '',
    allow_anonymous  INTEGER NOT NULL DEFAULT 1,
    owner_id         CHAR(36) REFERENCES users(id),
    is_deleted       INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX boards_school ON boards (school_id, is_deleted);

-- One row per login: revoking a family revokes every token descended from it.
CREATE TABLE token_families (
    id          CHAR(36) PRIMARY KEY,
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX token_families_user ON token_families (user_id, revoked_at);

CREATE TABLE refresh_tokens (
    jti         CHAR(36) PRIMARY KEY,
    family_id   CHAR(36) NOT NULL REFERENCES token_families(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    spent_at    BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

UPDATE schema_version SET version = 1;
