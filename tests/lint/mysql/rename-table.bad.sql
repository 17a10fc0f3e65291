RENAME TABLE users TO accounts; -- expect: rename-table
ALTER TABLE users RENAME TO accounts; -- expect: rename-table
ALTER TABLE users RENAME accounts; -- expect: rename-table
