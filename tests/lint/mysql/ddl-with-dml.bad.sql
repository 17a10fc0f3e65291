CREATE TABLE settings (name VARCHAR(50) PRIMARY KEY, value TEXT);
INSERT INTO settings VALUES ('theme', 'dark'); -- expect: ddl-with-dml
ALTER TABLE settings ADD COLUMN note TEXT;
UPDATE settings SET note = 'x' WHERE name = 'theme';
