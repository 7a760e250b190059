-- 0003: course catalogue (subjects and their sections), timetables, reviews,
-- friends. Slot times are minutes from midnight; day 0 = MON .. 6 = SUN.
CREATE TABLE course_infos (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    code          VARCHAR(20) NOT NULL UNIQUE,
    title         VARCHAR(200) NOT NULL,
    credits       INTEGER NOT NULL,
    department    VARCHAR(100) NOT NULL,
    review_count  INTEGER NOT NULL DEFAULT 0,
    rating_sum    INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX course_infos_department ON course_infos (department);

CREATE TABLE courses (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    course_info_id  BIGINT NOT NULL REFERENCES course_infos(id),
    semester        VARCHAR(10) NOT NULL,
    section         VARCHAR(10) NOT NULL,
    professor       VARCHAR(100) NOT NULL,
    capacity        INTEGER NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (course_info_id, semester, section)
);
CREATE INDEX courses_semester ON courses (semester, id);

CREATE TABLE course_slots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id  BIGINT NOT NULL REFERENCES courses(id),
    day        INTEGER NOT NULL,
    start_min  INTEGER NOT NULL,
    end_min    INTEGER NOT NULL,
    room       VARCHAR(50) NOT NULL DEFAULT ''
);
CREATE INDEX course_slots_course ON course_slots (course_id);
CREATE INDEX course_slots_day ON course_slots (day, course_id);

CREATE TABLE timetables (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    semester    VARCHAR(10) NOT NULL,
    name        VARCHAR(50) NOT NULL,
    is_primary  INTEGER NOT NULL DEFAULT 0,
    is_deleted  INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX timetables_user ON timetables (user_id, semester, is_deleted);

CREATE TABLE timetable_courses (
    timetable_id  BIGINT NOT NULL REFERENCES timetables(id),
    course_id     BIGINT NOT NULL REFERENCES courses(id),
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (timetable_id, course_id)
);

CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    course_info_id  BIGINT NOT NULL REFERENCES course_infos(id),
    user_id         CHAR(36) NOT NULL REFERENCES users(id),
    rating          INTEGER NOT NULL,
    content         TEXT NOT NULL,
    semester        VARCHAR(10) NOT NULL,
    is_deleted      INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (course_info_id, user_id)
);
CREATE INDEX reviews_course_info ON reviews (course_info_id, is_deleted, id);

CREATE TABLE friend_requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    from_user_id  CHAR(36) NOT NULL REFERENCES users(id),
    to_user_id    CHAR(36) NOT NULL REFERENCES users(id),
    status        VARCHAR(10) NOT NULL DEFAULT 'pending',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX friend_requests_to ON friend_requests (to_user_id, status);
CREATE INDEX friend_requests_from ON friend_requests (from_user_id, status);

-- one row per direction, so "my friends" is one index range
CREATE TABLE friendships (
    user_id     CHAR(36) NOT NULL REFERENCES users(id),
    friend_id   CHAR(36) NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, friend_id)
);

UPDATE schema_version SET version = 3;
