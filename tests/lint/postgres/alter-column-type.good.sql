SET lock_timeout = '5s';
ALTER TABLE users ALTER COLUMN age SET DEFAULT 0;
ALTER TABLE users ALTER COLUMN age DROP NOT NULL;
CREATE TABLE drafts (body varchar(100));
ALTER TABLE drafts ALTER COLUMN body TYPE text;
