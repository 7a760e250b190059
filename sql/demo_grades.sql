-- demo_grades.sql: the 학점계산기's demo, loaded by build/migrate --seed after
-- demo_courses.sql (it names sections of that catalogue by code, semester
-- and section). Portable across SQLite, PostgreSQL and MariaDB.
--
--   student3 / everytime123!   student, 연세대학교 (the 4.3 scale)
--
-- Primary timetables of 2024-1 and 2024-2 whose sections carry grades,
-- minus grades, a P, an F and one section not graded yet, some of them
-- major (전공). GET /api/me/gpa/ as student3 answers (t/api/gpa.t checks it):
--   2024-1  A+ A- B+ B0, 3 credits each: gpa 3.58 (3.575 rounded half up),
--           major 3.67 (A+ A- B0), credits 12, graded_credits 12
--   2024-2  A0 C+ F (3 each), 기계학습 not graded yet, 웹프로그래밍 P (2):
--           gpa 2.10, major 2.00 (A0 F), credits 8 (F earns none),
--           graded_credits 9
--   overall gpa 2.94, major_gpa 3.00, credits 20, graded_credits 21
INSERT INTO users (id, login_id, password, email, nickname, school_id, admission_year, role,
                   is_active, created_at, updated_at) VALUES
    ('7d3c1a52-9f0e-4b6a-a1c2-5e8f9d0b3c41', 'student3',
     '$2y$10$1EFX05B4jGBex6ZOjh2j..aAkrAN9FevtkJ3MUmS9kcaSwDkV0j6W',
     'student3@yonsei.ac.kr', '독수리', 2, 2023, 'ROLE_USER', 1,
     1680930000000000, 1680930000000000);

INSERT INTO timetables (user_id, semester, name, is_primary, is_deleted, created_at, updated_at) VALUES
    ('7d3c1a52-9f0e-4b6a-a1c2-5e8f9d0b3c41', '2024-1', '1학기 시간표', 1, 0, 1704067200000000, 1704067200000000),
    ('7d3c1a52-9f0e-4b6a-a1c2-5e8f9d0b3c41', '2024-2', '2학기 시간표', 1, 0, 1719792000000000, 1719792000000000);

INSERT INTO timetable_courses (timetable_id, course_id, created_at)
SELECT t.id, c.id, t.created_at
FROM (SELECT '2024-1' AS sem, 'CSE1010' AS code, '01' AS sec
      UNION ALL SELECT '2024-1', 'CSE1030', '02'
      UNION ALL SELECT '2024-1', 'CSE1040', '01'
      UNION ALL SELECT '2024-1', 'CSE2050', '01'
      UNION ALL SELECT '2024-2', 'CSE1020', '01'
      UNION ALL SELECT '2024-2', 'CSE1030', '01'
      UNION ALL SELECT '2024-2', 'CSE2060', '01'
      UNION ALL SELECT '2024-2', 'CSE3100', '01'
      UNION ALL SELECT '2024-2', 'CSE4140', '02') g
JOIN course_infos i ON i.code = g.code
JOIN courses c ON c.course_info_id = i.id AND c.semester = g.sem AND c.section = g.sec
JOIN timetables t ON t.user_id = '7d3c1a52-9f0e-4b6a-a1c2-5e8f9d0b3c41' AND t.semester = g.sem;

INSERT INTO course_grades (user_id, course_id, grade, is_major, created_at, updated_at)
SELECT '7d3c1a52-9f0e-4b6a-a1c2-5e8f9d0b3c41', c.id, g.grade, g.major, 1733011200000000,
       1733011200000000
FROM (SELECT '2024-1' AS sem, 'CSE1010' AS code, '01' AS sec, 'A+' AS grade, 1 AS major
      UNION ALL SELECT '2024-1', 'CSE1030', '02', 'A-', 1
      UNION ALL SELECT '2024-1', 'CSE1040', '01', 'B+', 0
      UNION ALL SELECT '2024-1', 'CSE2050', '01', 'B0', 1
      UNION ALL SELECT '2024-2', 'CSE1020', '01', 'A0', 1
      UNION ALL SELECT '2024-2', 'CSE1030', '01', 'C+', 0
      UNION ALL SELECT '2024-2', 'CSE2060', '01', 'F', 1
      UNION ALL SELECT '2024-2', 'CSE4140', '02', 'P', 0) g
JOIN course_infos i ON i.code = g.code
JOIN courses c ON c.course_info_id = i.id AND c.semester = g.sem AND c.section = g.sec;
