-- demo_post.sql: after demo.sql's explicit ids, move PostgreSQL's sequences
-- past them (SQLite and MariaDB follow explicit ids by themselves).
SELECT setval(pg_get_serial_sequence('schools', 'id'), (SELECT max(id) FROM schools));
SELECT setval(pg_get_serial_sequence('boards', 'id'), (SELECT max(id) FROM boards));
SELECT setval(pg_get_serial_sequence('posts', 'id'), (SELECT max(id) FROM posts));
SELECT setval(pg_get_serial_sequence('comments', 'id'), (SELECT max(id) FROM comments));
SELECT setval(pg_get_serial_sequence('notifications', 'id'), (SELECT max(id) FROM notifications));
