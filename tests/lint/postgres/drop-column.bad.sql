SET lock_timeout = '5s';
ALTER TABLE users DROP COLUMN legacy; -- expect: drop-column
ALTER TABLE users DROP IF EXISTS old_flag, DROP COLUMN IF EXISTS older_flag; -- expect: drop-column drop-column
