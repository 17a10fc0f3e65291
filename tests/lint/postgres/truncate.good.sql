SET lock_timeout = '5s';
CREATE TABLE staging (id bigint);
TRUNCATE staging;
DELETE FROM sessions WHERE expires_at < now();
