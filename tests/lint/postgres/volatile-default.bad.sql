SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid(); -- expect: volatile-default
ALTER TABLE users ADD COLUMN seq bigserial; -- expect: volatile-default
ALTER TABLE users ADD COLUMN created timestamptz NOT NULL DEFAULT clock_timestamp(); -- expect: volatile-default
