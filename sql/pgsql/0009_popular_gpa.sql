-- 0009: 실시간 인기 글 and BEST (indexes), each school's GPA scale, and the
-- grades of the 학점계산기.
--
-- gpa_scale is in tenths (45: the 4.5 scale, 43: the 4.3 one), so no
-- driver's rounding of a real number ever enters the arithmetic.
ALTER TABLE schools ADD gpa_scale INTEGER NOT NULL DEFAULT 45;

-- One grade per user and course (a section: the semester is the course's).
-- It stays when the course leaves the timetable and counts again if it comes
-- back; only the courses of the user's primary timetables enter the GPA.
CREATE TABLE course_grades (
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    course_id   BIGINT NOT NULL REFERENCES courses(id),
    grade       VARCHAR(2) NOT NULL,
    is_major    INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, course_id)
);

-- /posts/popular/: the live posts of the last 48 hours, read from the index
-- alone (the score needs only the counters), one range per live board (of
-- the school): board_id before created_at, or each board would read the
-- whole window again.
CREATE INDEX posts_popular ON posts (is_deleted, board_id, created_at, like_count, comment_count);
-- /posts/best/: walked in (like_count, id) order from the top, the period's
-- bound and the school's boards checked from the index.
CREATE INDEX posts_best ON posts (is_deleted, like_count, id, created_at, board_id);

UPDATE schema_version SET version = 9;
