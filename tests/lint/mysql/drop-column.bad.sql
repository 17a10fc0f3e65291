ALTER TABLE users DROP COLUMN legacy; -- expect: drop-column
ALTER TABLE users DROP old_flag; -- expect: drop-column
