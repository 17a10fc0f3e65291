SET lock_timeout = '5s';
TRUNCATE users; -- expect: truncate
TRUNCATE TABLE ONLY sessions RESTART IDENTITY; -- expect: truncate
