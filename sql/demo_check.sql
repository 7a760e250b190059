-- demo_check.sql: what sql/demo_community.sql promises, as queries that
-- each answer 0 on a freshly seeded database (build/migrate --seed), on
-- SQLite, PostgreSQL and MariaDB alike:
--   sqlite3 var/everytime.db < sql/demo_check.sql
-- Run it after changing build/seed-community.
SELECT 'like_count mismatches', count(*) FROM posts p WHERE like_count <> (SELECT count(*) FROM post_likes l WHERE l.post_id = p.id);
SELECT 'comment_count mismatches', count(*) FROM posts p WHERE comment_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id AND c.is_deleted = 0);
SELECT 'scrap_count mismatches', count(*) FROM posts p WHERE scrap_count <> (SELECT count(*) FROM post_scraps s WHERE s.post_id = p.id);
SELECT 'comment like mismatches', count(*) FROM comments c WHERE like_count <> (SELECT count(*) FROM comment_likes l WHERE l.comment_id = c.id);
SELECT 'hot without 10 likes', count(*) FROM posts WHERE (hot_at IS NOT NULL) <> (like_count >= 10);
SELECT 'hot_at not the 10th like', count(*) FROM posts p WHERE hot_at IS NOT NULL AND hot_at <> (SELECT l.created_at FROM post_likes l WHERE l.post_id = p.id ORDER BY l.created_at LIMIT 1 OFFSET 9);
SELECT 'anon commenters without number', count(*) FROM (SELECT DISTINCT c.post_id, c.author_id FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.is_anonymous = 1 AND NOT (p.is_anonymous = 1 AND p.author_id = c.author_id)) x WHERE NOT EXISTS (SELECT 1 FROM post_anon_numbers n WHERE n.post_id = x.post_id AND n.user_id = x.author_id);
SELECT 'numbers without anon comment', count(*) FROM post_anon_numbers n WHERE NOT EXISTS (SELECT 1 FROM comments c WHERE c.post_id = n.post_id AND c.author_id = n.user_id AND c.is_anonymous = 1);
SELECT 'numbers not 1..n', count(*) FROM (SELECT post_id, max(number) AS m, count(*) AS k FROM post_anon_numbers GROUP BY post_id) x WHERE m <> k;
SELECT 'anon posts on boards refusing them', count(*) FROM posts p JOIN boards b ON b.id = p.board_id WHERE p.is_anonymous = 1 AND b.allow_anonymous = 0;
SELECT 'anon comments on boards refusing them', count(*) FROM comments c JOIN posts p ON p.id = c.post_id JOIN boards b ON b.id = p.board_id WHERE c.is_anonymous = 1 AND b.allow_anonymous = 0;
SELECT 'self likes', count(*) FROM post_likes l JOIN posts p ON p.id = l.post_id WHERE l.user_id = p.author_id;
SELECT 'self comment likes', count(*) FROM comment_likes l JOIN comments c ON c.id = l.comment_id WHERE l.user_id = c.author_id;
SELECT 'bad replies', count(*) FROM comments r JOIN comments c ON c.id = r.parent_id WHERE c.parent_id IS NOT NULL OR c.post_id <> r.post_id OR c.id >= r.id OR c.created_at >= r.created_at;
SELECT 'comments before their post', count(*) FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.created_at <= p.created_at;
SELECT 'id order vs time (posts)', count(*) FROM posts a JOIN posts b ON b.id = a.id + 1 WHERE b.created_at < a.created_at;
SELECT 'mixed anonymity per writer', count(*) FROM (SELECT post_id, author_id FROM comments GROUP BY post_id, author_id HAVING min(is_anonymous) <> max(is_anonymous)) x;
SELECT 'after 2026-11-26', (SELECT count(*) FROM posts WHERE created_at > 1795651200000000) + (SELECT count(*) FROM comments WHERE created_at > 1795651200000000) + (SELECT count(*) FROM post_likes WHERE created_at > 1795651200000000) + (SELECT count(*) FROM comment_likes WHERE created_at > 1795651200000000);
SELECT 'id order vs time (comments)', count(*) FROM comments a JOIN comments b ON b.id = a.id + 1 WHERE b.created_at < a.created_at;
SELECT 'no HOT post', CASE WHEN EXISTS (SELECT 1 FROM posts WHERE hot_at IS NOT NULL) THEN 0 ELSE 1 END;
SELECT 'blinded below the report threshold (5)', count(*) FROM posts p WHERE p.is_blinded = 1 AND (SELECT count(*) FROM reports r WHERE r.kind = 'post' AND r.target_id = p.id AND r.resolved_at IS NULL) < 5;
SELECT 'reports of one''s own post', count(*) FROM reports r JOIN posts p ON r.kind = 'post' AND p.id = r.target_id WHERE r.reporter_id = p.author_id;
SELECT 'reports of one''s own comment', count(*) FROM reports r JOIN comments c ON r.kind = 'comment' AND c.id = r.target_id WHERE r.reporter_id = c.author_id;
SELECT 'self blocks', count(*) FROM user_blocks WHERE blocker_id = blocked_id;
SELECT 'notified of own action', count(*) FROM notifications WHERE user_id = actor_id;
SELECT 'comments not told to the post author', count(*) FROM comments c JOIN posts p ON p.id = c.post_id LEFT JOIN comments r ON r.id = c.parent_id WHERE c.author_id <> p.author_id AND (r.id IS NULL OR r.author_id <> p.author_id) AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.comment_id = c.id AND n.kind = 'comment' AND n.user_id = p.author_id);
SELECT 'replies not told to the parent author', count(*) FROM comments c JOIN comments r ON r.id = c.parent_id WHERE c.author_id <> r.author_id AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.comment_id = c.id AND n.kind = 'reply' AND n.user_id = r.author_id);
SELECT 'HOT posts not told', count(*) FROM posts p WHERE hot_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.post_id = p.id AND n.kind = 'hot' AND n.user_id = p.author_id AND n.created_at = p.hot_at);
SELECT 'anonymous actors not as the post shows them', count(*) FROM notifications n JOIN comments c ON c.id = n.comment_id JOIN posts p ON p.id = c.post_id LEFT JOIN post_anon_numbers a ON a.post_id = p.id AND a.user_id = c.author_id WHERE (c.is_anonymous = 0 AND n.actor_label IS NOT NULL) OR (c.is_anonymous = 1 AND p.is_anonymous = 1 AND p.author_id = c.author_id AND n.actor_label <> '익명(글쓴이)') OR (c.is_anonymous = 1 AND (n.actor_label IS NULL OR (a.number IS NOT NULL AND n.actor_label NOT LIKE '익명%')));
