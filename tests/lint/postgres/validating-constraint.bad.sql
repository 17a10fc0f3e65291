SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id); -- expect: validating-constraint
ALTER TABLE orders ADD CHECK (total >= 0); -- expect: validating-constraint
