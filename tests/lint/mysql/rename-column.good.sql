ALTER TABLE users RENAME KEY idx_a TO idx_b;
CREATE TABLE draft (title TEXT);
ALTER TABLE draft RENAME COLUMN title TO heading;
