SET lock_timeout = '5s';
DROP TABLE legacy; -- expect: drop-table
DROP TABLE IF EXISTS archive.old_orders, old_lines CASCADE; -- expect: drop-table
