-- Repeatable: re-applied whenever this file changes.
CREATE OR REPLACE VIEW user_summary AS
SELECT u.id,
       u.email,
       u.display_name,
       count(a.id) AS address_count,
       u.created_at
FROM users u
LEFT JOIN addresses a ON a.user_id = u.id
GROUP BY u.id;
