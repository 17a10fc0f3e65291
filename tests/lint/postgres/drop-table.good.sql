SET lock_timeout = '5s';
CREATE TEMP TABLE scratch (id bigint);
DROP TABLE scratch;
DROP VIEW IF EXISTS order_totals;
DROP INDEX users_old;
