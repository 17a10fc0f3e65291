SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN age integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN note text;
ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED NOT NULL;
CREATE TABLE tags (id bigint);
ALTER TABLE tags ADD COLUMN name text NOT NULL;
