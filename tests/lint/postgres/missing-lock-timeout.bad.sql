CREATE TABLE tags (id bigint);
ALTER TABLE users ADD COLUMN note text; -- expect: missing-lock-timeout
ALTER TABLE users ADD COLUMN note2 text;
