UPDATE users SET active = true; -- expect: update-without-where
UPDATE users SET score = (SELECT max(score) FROM scores WHERE scores.id = 1); -- expect: update-without-where
WITH top AS (SELECT id FROM users WHERE score > 10) UPDATE users SET vip = true; -- expect: update-without-where
