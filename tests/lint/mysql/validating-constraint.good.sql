SET foreign_key_checks = 0;
ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);
SET foreign_key_checks = 1;
CREATE TABLE lines (order_id BIGINT);
ALTER TABLE lines ADD CONSTRAINT fk_order FOREIGN KEY (order_id) REFERENCES orders (id);
