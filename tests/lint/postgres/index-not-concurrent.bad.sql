SET lock_timeout = '5s';
CREATE INDEX users_email ON users (email); -- expect: index-not-concurrent
CREATE UNIQUE INDEX IF NOT EXISTS users_name ON public.users USING btree (lower(name)); -- expect: index-not-concurrent
ALTER TABLE orders ADD CONSTRAINT orders_ref UNIQUE (ref); -- expect: index-not-concurrent
ALTER TABLE ONLY "Orders" ADD PRIMARY KEY (id); -- expect: index-not-concurrent
