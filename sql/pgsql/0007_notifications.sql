-- 0007: notifications (알림). One row per notice to one user, written in the
-- same transaction as the event that causes it (a comment, a reply, a post
-- turning HOT, a 쪽지, a friend request or acceptance). actor_id is who
-- acted: kept for the rules (one's own action, blocks), never answered when
-- actor_label is set, the name the actor had where they acted anonymously
-- (익명3, 익명(글쓴이), 익명 for a 쪽지). The text is written once, in Korean.
CREATE TABLE notifications (
    id               BIGSERIAL PRIMARY KEY,
    user_id          CHAR(36) NOT NULL REFERENCES users(id),
    kind             VARCHAR(20) NOT NULL,
    post_id          BIGINT NULL REFERENCES posts(id),
    comment_id       BIGINT NULL REFERENCES comments(id),
    conversation_id  BIGINT NULL REFERENCES conversations(id),
    actor_id         CHAR(36) NULL REFERENCES users(id),
    actor_label      VARCHAR(20) NULL,
    text             VARCHAR(400) NOT NULL,
    is_read          SMALLINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
-- the recipient's list, newest first (keyset on id), and their unread count
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, is_read);

-- the platform a device registered at POST /me/devices/ names (android, ios,
-- web); NULL for tokens that came with a social login
ALTER TABLE fcm_tokens ADD COLUMN platform VARCHAR(10) NULL;

UPDATE schema_version SET version = 7;
