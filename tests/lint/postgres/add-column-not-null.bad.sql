SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN age integer NOT NULL; -- expect: add-column-not-null
ALTER TABLE users ADD COLUMN note text,
  ADD nickname text NOT NULL CHECK (nickname <> ''); -- expect: add-column-not-null
