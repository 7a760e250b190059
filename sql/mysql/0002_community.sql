-- 0002: boards' favourites, posts, comments, likes, scraps, anonymity numbers,
-- media and messages. Id columns that reference another table are BIGINT
-- (MariaDB wants a foreign key of the referenced column's type).
CREATE TABLE board_favorites (
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    board_id    BIGINT NOT NULL REFERENCES boards(id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, board_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE posts (
    id             BIGINT PRIMARY KEY AUTO_INCREMENT,
    board_id       BIGINT NOT NULL REFERENCES boards(id),
    author_id      CHAR(36) NOT NULL REFERENCES users(id),
    title          VARCHAR(200) NOT NULL,
    content        TEXT NOT NULL,
    is_anonymous   INTEGER NOT NULL DEFAULT 0,
    is_question    INTEGER NOT NULL DEFAULT 0,
    hot_at         BIGINT,
    like_count     INTEGER NOT NULL DEFAULT 0,
    comment_count  INTEGER NOT NULL DEFAULT 0,
    scrap_count    INTEGER NOT NULL DEFAULT 0,
    is_deleted     INTEGER NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX posts_board ON posts (board_id, is_deleted, id);
CREATE INDEX posts_author ON posts (author_id, is_deleted, id);
CREATE INDEX posts_live ON posts (is_deleted, id);
CREATE INDEX posts_hot ON posts (hot_at, id);

CREATE TABLE post_likes (
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE post_scraps (
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX post_scraps_user ON post_scraps (user_id, created_at);

-- 익명1, 익명2 ...: one number per writer per post, in order of first writing
CREATE TABLE post_anon_numbers (
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    number      INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id),
    UNIQUE (post_id, number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE comments (
    id            BIGINT PRIMARY KEY AUTO_INCREMENT,
    post_id       BIGINT NOT NULL REFERENCES posts(id),
    parent_id     BIGINT REFERENCES comments(id),
    author_id     CHAR(36) NOT NULL REFERENCES users(id),
    content       TEXT NOT NULL,
    is_anonymous  INTEGER NOT NULL DEFAULT 0,
    like_count    INTEGER NOT NULL DEFAULT 0,
    is_deleted    INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX comments_post ON comments (post_id, parent_id, id);
CREATE INDEX comments_author ON comments (author_id, is_deleted, id);

CREATE TABLE comment_likes (
    comment_id  BIGINT NOT NULL REFERENCES comments(id),
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (comment_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- files live under EverytimeMediaDir, named by a random id, never the client's name
CREATE TABLE media (
    id            BIGINT PRIMARY KEY AUTO_INCREMENT,
    post_id       BIGINT NOT NULL REFERENCES posts(id),
    uploader_id   CHAR(36) NOT NULL REFERENCES users(id),
    file_name     VARCHAR(64) NOT NULL UNIQUE,
    content_type  VARCHAR(32) NOT NULL,
    size          BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX media_post ON media (post_id, id);

-- a conversation is opened from a post or a comment ("post:12", "comment:5")
CREATE TABLE conversations (
    id            BIGINT PRIMARY KEY AUTO_INCREMENT,
    source        VARCHAR(40) NOT NULL,
    starter_id    CHAR(36) NOT NULL REFERENCES users(id),
    recipient_id  CHAR(36) NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (starter_id, source)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX conversations_starter ON conversations (starter_id, updated_at);
CREATE INDEX conversations_recipient ON conversations (recipient_id, updated_at);

CREATE TABLE messages (
    id               BIGINT PRIMARY KEY AUTO_INCREMENT,
    conversation_id  BIGINT NOT NULL REFERENCES conversations(id),
    sender_id        CHAR(36) NOT NULL REFERENCES users(id),
    content          TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    read_at          BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX messages_conversation ON messages (conversation_id, id);

UPDATE schema_version SET version = 2;
