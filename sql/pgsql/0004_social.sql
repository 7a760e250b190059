-- 0004: social login. A provider account (Kakao, Google, Apple) links to one
-- user; a signToken, handed out for an account not linked yet, is spent once
-- at /auth/signup; FCM push tokens, one row per device.
CREATE TABLE social_accounts (
    provider          VARCHAR(10) NOT NULL,
    provider_user_id  VARCHAR(255) NOT NULL,
    user_id           CHAR(36) NOT NULL REFERENCES users(id),
    created_at        BIGINT NOT NULL,
    PRIMARY KEY (provider, provider_user_id)
);
CREATE INDEX social_accounts_user ON social_accounts (user_id);

-- the jti of every signToken issued; spent_at is set by the one signup that
-- may use it (UPDATE ... WHERE spent_at IS NULL decides a race)
CREATE TABLE sign_tokens (
    jti               CHAR(36) PRIMARY KEY,
    provider          VARCHAR(10) NOT NULL,
    provider_user_id  VARCHAR(255) NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    spent_at          BIGINT NULL
);
CREATE INDEX sign_tokens_expires ON sign_tokens (expires_at);

-- a device's token belongs to whoever signed in on it last
CREATE TABLE fcm_tokens (
    token       VARCHAR(255) PRIMARY KEY,
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    updated_at  BIGINT NOT NULL
);
CREATE INDEX fcm_tokens_user ON fcm_tokens (user_id);

UPDATE schema_version SET version = 4;
