TRUNCATE users; -- expect: truncate
TRUNCATE TABLE sessions; -- expect: truncate
