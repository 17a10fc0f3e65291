SET lock_timeout = 0;
DROP INDEX users_old; -- expect: missing-lock-timeout
