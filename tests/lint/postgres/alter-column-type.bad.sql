SET lock_timeout = '5s';
ALTER TABLE users ALTER COLUMN age TYPE bigint; -- expect: alter-column-type
ALTER TABLE users ALTER name SET DATA TYPE varchar(200); -- expect: alter-column-type
