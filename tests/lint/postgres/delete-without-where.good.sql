DELETE FROM sessions WHERE expires_at < now();
CREATE TABLE scratch (id bigint);
DELETE FROM scratch;
