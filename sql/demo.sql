-- demo.sql: demo data for development and the tests, loaded once into a new
-- database by build/run and build/test (build/migrate --seed). Portable across
-- SQLite, PostgreSQL and MariaDB: explicit ids, times as integer microseconds
-- since the epoch, booleans 0/1, user ids as UUID text.
--
-- Accounts (passwords are bcrypt, made with "htpasswd -nbBC 10"):
--   student1 / everytime123!   student, 서울대학교, school-verified (학교 인증)
--   student2 / everytime123!   student, 서울대학교
--   admin    / adminpass123!   ROLE_ADMIN

-- 연세대학교 grades on the 4.3 scale (A-, B-, ... exist), the others on 4.5.
INSERT INTO schools (id, name, domain, gpa_scale, created_at, updated_at) VALUES
    (1, '서울대학교', 'snu.ac.kr', 45, 1677628800000000, 1677628800000000),
    (2, '연세대학교', 'yonsei.ac.kr', 43, 1677628800000000, 1677628800000000),
    (3, '고려대학교', 'korea.ac.kr', 45, 1677628800000000, 1677628800000000);

INSERT INTO users (id, login_id, password, email, nickname, school_id, admission_year, role,
                   is_active, created_at, updated_at) VALUES
    ('f21cf558-4de1-4511-8858-5322c2c497eb', 'student1',
     '$2y$10$1EFX05B4jGBex6ZOjh2j..aAkrAN9FevtkJ3MUmS9kcaSwDkV0j6W',
     'student1@snu.ac.kr', '새내기', 1, 2023, 'ROLE_USER', 1,
     1680930000000000, 1680930000000000),
    ('0e6b2dcf-bca0-429c-a4de-3722ce42a42f', 'student2',
     '$2y$10$l/nZRE.xglbdI8ch0lhy1OlMnSUbelKvFZZc/L.pHWp8C6xE/uOC6',
     'student2@snu.ac.kr', '헌내기', 1, 2021, 'ROLE_USER', 1,
     1680930000000000, 1680930000000000),
    ('4c4a2723-6fae-47e3-8131-f3eabdf5bc7c', 'admin',
     '$2y$10$XQfN2fArmO6sJz.SDJNysemPfHG7zks8X/Zip3SnQIZZsUuLYNqEq',
     'admin@snu.ac.kr', '관리자', 1, 2015, 'ROLE_ADMIN', 1,
     1680930000000000, 1680930000000000);

INSERT INTO boards (id, school_id, category, name, description, allow_anonymous, owner_id,
                    is_deleted, created_at, updated_at) VALUES
    (1, 1, 'free', '자유게시판', '자유롭게 이야기하는 곳', 1, NULL, 0,
     1677628800000000, 1677628800000000),
    (2, 1, 'secret', '비밀게시판', '익명으로만 이야기하는 곳', 1, NULL, 0,
     1677628800000000, 1677628800000000),
    (3, 1, 'market', '장터게시판', '중고 거래와 나눔', 0, NULL, 0,
     1677628800000000, 1677628800000000),
    (4, 1, 'info', '정보게시판', '학사와 장학 정보', 0, NULL, 0,
     1677628800000000, 1677628800000000),
    (5, 2, 'free', '자유게시판', '자유롭게 이야기하는 곳', 1, NULL, 0,
     1677628800000000, 1677628800000000),
    (6, 2, 'secret', '비밀게시판', '익명으로만 이야기하는 곳', 1, NULL, 0,
     1677628800000000, 1677628800000000),
    (7, 3, 'free', '자유게시판', '자유롭게 이야기하는 곳', 1, NULL, 0,
     1677628800000000, 1677628800000000),
    (8, 3, 'info', '정보게시판', '학사와 장학 정보', 0, NULL, 0,
     1677628800000000, 1677628800000000);

-- School verification (학교 인증, migration 0010): student1 confirmed a code
-- mailed to student1@snu.ac.kr; 새내기게시판 admits verified writers only
-- (student2, not verified, can read it but not post or comment).
UPDATE users SET is_verified = 1, school_email = 'student1@snu.ac.kr'
    WHERE id = 'f21cf558-4de1-4511-8858-5322c2c497eb';
INSERT INTO boards (id, school_id, category, name, description, allow_anonymous,
                    requires_verification, owner_id, is_deleted, created_at, updated_at) VALUES
    (9, 1, 'freshman', '새내기게시판', '학교 인증을 마친 학생만 글을 쓰는 곳', 1, 1, NULL, 0,
     1677628800000000, 1677628800000000);
