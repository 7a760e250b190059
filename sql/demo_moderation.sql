-- demo_moderation.sql: 신고 and 차단 in the demo data (tables of migration
-- 0008), for SQLite, PostgreSQL and MariaDB alike. EverytimeReportThreshold
-- is 5 by default:
--   post 2 (익명, 짝사랑 중인데): two pending reports, below the threshold;
--   post 7 (졸업하기 싫다): five reports, blinded: gone from every list, read
--     by its author snu_shuttle and the admin only (GET /reports/ lists it);
--   comment 2: three reports an admin resolved with "restore" (listed under
--     GET /reports/?status=resolved, no longer counting);
--   student2 (헌내기) blocks snu_coffee: snu_coffee's posts and comments
--     leave student2's lists, and their 쪽지 to student2 are refused.
-- Times are before 2026-11-26 (demo_check.sql).
INSERT INTO reports (kind, target_id, reporter_id, reason, resolution, resolved_at, created_at, updated_at) VALUES
    ('post', 2, '8eb4e9a2-c6da-4a3b-b875-1497fe263f5d', 'inappropriate', NULL, NULL, 1793300000000000, 1793300000000000),
    ('post', 2, 'b2c68a7b-b88c-412a-8606-ac48401f22ad', 'spam', NULL, NULL, 1793300100000000, 1793300100000000),
    ('post', 7, '8eb4e9a2-c6da-4a3b-b875-1497fe263f5d', 'abuse', NULL, NULL, 1793400000000000, 1793400000000000),
    ('post', 7, 'b2c68a7b-b88c-412a-8606-ac48401f22ad', 'abuse', NULL, NULL, 1793400100000000, 1793400100000000),
    ('post', 7, '5033969d-d717-4cf3-b261-9a3f8f693c16', 'obscene', NULL, NULL, 1793400200000000, 1793400200000000),
    ('post', 7, '9817ef34-7c1c-4bfe-babf-8ae430dad1f4', 'abuse', NULL, NULL, 1793400300000000, 1793400300000000),
    ('post', 7, 'a864119c-6647-4ba7-9df4-6aee0006951f', 'spam', NULL, NULL, 1793400400000000, 1793400400000000),
    ('comment', 2, '399f7c16-938b-46ac-9427-a728d5cd0375', 'political', 'restore', 1793500000000000, 1793450000000000, 1793500000000000),
    ('comment', 2, '4d90b944-e6ca-4b89-b8a2-5bc7b43de545', 'political', 'restore', 1793500000000000, 1793450100000000, 1793500000000000),
    ('comment', 2, '88104e0b-ae59-4a9b-8c5c-58a82604ac02', 'abuse', 'restore', 1793500000000000, 1793450200000000, 1793500000000000);

-- the fifth report blinded post 7
UPDATE posts SET is_blinded = 1 WHERE id = 7;

INSERT INTO user_blocks (blocker_id, blocked_id, created_at, updated_at) VALUES
    ('0e6b2dcf-bca0-429c-a4de-3722ce42a42f', '5033969d-d717-4cf3-b261-9a3f8f693c16', 1793600000000000, 1793600000000000);
