DROP TABLE legacy; -- expect: drop-table
DROP TABLE IF EXISTS `old_orders`, old_lines; -- expect: drop-table
