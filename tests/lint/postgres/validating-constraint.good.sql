SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user;
ALTER TABLE orders ADD CONSTRAINT orders_total CHECK (total >= 0) NOT VALID;
CREATE TABLE lines (order_id bigint, qty int);
ALTER TABLE lines ADD CONSTRAINT lines_order FOREIGN KEY (order_id) REFERENCES orders (id);
