SET LOCAL lock_timeout TO '3s';
ALTER TABLE users ADD COLUMN note text;
