DELETE FROM sessions; -- expect: delete-without-where
DELETE LOW_PRIORITY QUICK FROM sessions LIMIT 100; -- expect: delete-without-where
