SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN created timestamptz NOT NULL DEFAULT now();
ALTER TABLE users ADD COLUMN flag boolean DEFAULT false;
ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();
CREATE TABLE sessions (id bigint);
ALTER TABLE sessions ADD COLUMN token uuid DEFAULT gen_random_uuid();
