ALTER TABLE users RENAME COLUMN name TO full_name; -- expect: rename-column
ALTER TABLE users CHANGE name full_name VARCHAR(100); -- expect: rename-column alter-column-type
