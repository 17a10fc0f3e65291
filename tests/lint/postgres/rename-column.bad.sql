SET lock_timeout = '5s';
ALTER TABLE users RENAME COLUMN name TO full_name; -- expect: rename-column
ALTER TABLE users RENAME email TO mail; -- expect: rename-column
