SET lock_timeout = '5s';
ALTER TABLE users RENAME CONSTRAINT users_name_check TO users_name_ck;
CREATE TABLE draft (title text);
ALTER TABLE draft RENAME COLUMN title TO heading;
