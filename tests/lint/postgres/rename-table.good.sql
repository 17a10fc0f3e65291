SET lock_timeout = '5s';
ALTER TABLE users RENAME CONSTRAINT users_pkey TO users_pk;
ALTER INDEX users_email RENAME TO users_email_idx;
CREATE TABLE draft (id bigint);
ALTER TABLE draft RENAME TO drafts;
