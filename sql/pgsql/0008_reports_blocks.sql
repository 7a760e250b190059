-- 0008: 신고 and 차단 (API.md "Reports and blocks").
--
-- A post or comment that EverytimeReportThreshold users reported is blinded:
-- is_blinded is set in the transaction of the report that reaches the
-- threshold, and every list leaves it out in its WHERE clause. Blinding is
-- rare, so the lists keep walking their indexes and test the flag on the
-- row; no index of its own.
ALTER TABLE posts ADD COLUMN is_blinded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN is_blinded INTEGER NOT NULL DEFAULT 0;

-- One report per user per item, ever: a report an admin resolved keeps its
-- row (resolution 'restore' or 'remove', resolved_at) for ?status=resolved,
-- stops counting towards the threshold, and still refuses its reporter a
-- second report (409) of the item the admin already judged.
-- kind is 'post' or 'comment'; target_id the post's or comment's id.
CREATE TABLE reports (
    id           BIGSERIAL PRIMARY KEY,
    kind         VARCHAR(8) NOT NULL,
    target_id    BIGINT NOT NULL,
    reporter_id  CHAR(36) NOT NULL REFERENCES users(id),
    reason       VARCHAR(16) NOT NULL,
    resolution   VARCHAR(8),
    resolved_at  BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (kind, target_id, reporter_id)
);
-- GET /reports/ groups the pending (or resolved) reports by item
CREATE INDEX reports_status ON reports (resolved_at, kind, target_id);

-- blocker_id blocks blocked_id: that user's posts, comments and
-- conversations leave the blocker's lists (NOT EXISTS on the unique index
-- below, which is (blocker_id, blocked_id) in that order for it), and their
-- new 쪽지 to the blocker are refused. Notifications filter on it too.
-- The API shows only id and created_at: never who is blocked.
CREATE TABLE user_blocks (
    id           BIGSERIAL PRIMARY KEY,
    blocker_id   CHAR(36) NOT NULL REFERENCES users(id),
    blocked_id   CHAR(36) NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (blocker_id, blocked_id)
);
-- GET /blocks/: the caller's blocks, newest first
CREATE INDEX user_blocks_blocker ON user_blocks (blocker_id, id);

UPDATE schema_version SET version = 8;
