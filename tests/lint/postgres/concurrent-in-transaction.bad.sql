SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY users_email ON users (email); -- expect: concurrent-in-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_old; -- expect: concurrent-in-transaction
REINDEX INDEX
  CONCURRENTLY users_name; -- expect: concurrent-in-transaction
