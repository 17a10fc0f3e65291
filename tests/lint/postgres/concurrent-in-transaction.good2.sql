-- An index built CONCURRENTLY belongs in a file of its own.
COMMENT ON TABLE users IS 'indexes are built CONCURRENTLY elsewhere';
CREATE FUNCTION note() RETURNS text LANGUAGE sql AS $$ SELECT 'CREATE INDEX CONCURRENTLY x ON y (z)' $$;
