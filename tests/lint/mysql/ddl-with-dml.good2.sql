INSERT INTO settings VALUES ('theme', 'dark');
UPDATE settings SET value = 'light' WHERE name = 'theme';
