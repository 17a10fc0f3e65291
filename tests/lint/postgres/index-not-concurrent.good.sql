-- dbctl:no-transaction
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY users_email ON users (email);
CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);
CREATE INDEX audit_at ON audit (at);
ALTER TABLE audit ADD CONSTRAINT audit_id_at UNIQUE (id, at);
ALTER TABLE orders ADD CONSTRAINT orders_ref UNIQUE USING INDEX orders_ref_idx;
