SET lock_timeout = '5s';
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE users ALTER COLUMN age DROP DEFAULT;
CREATE TABLE imports (id bigint, raw text);
ALTER TABLE imports DROP COLUMN raw;
