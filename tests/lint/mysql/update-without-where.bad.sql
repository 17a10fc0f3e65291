UPDATE users SET active = 1; -- expect: update-without-where
UPDATE LOW_PRIORITY `users` SET score = 0 ORDER BY id LIMIT 10; -- expect: update-without-where
