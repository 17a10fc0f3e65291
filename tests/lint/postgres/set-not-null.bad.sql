SET lock_timeout = '5s';
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- expect: set-not-null
ALTER TABLE users ADD CONSTRAINT name_nn CHECK (name IS NOT NULL) NOT VALID;
ALTER TABLE users ALTER COLUMN name SET NOT NULL; -- expect: set-not-null
