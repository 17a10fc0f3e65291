SELECT set_config('lock_timeout', '3s', true);
DROP INDEX users_old;
CREATE TABLE tags (id bigint);
ALTER TABLE tags ADD COLUMN name text;
INSERT INTO tags VALUES (1, 'a');
