CREATE TABLE scratch (id BIGINT);
DROP TABLE scratch;
DROP TEMPORARY TABLE IF EXISTS tmp_totals;
DROP VIEW order_totals;
