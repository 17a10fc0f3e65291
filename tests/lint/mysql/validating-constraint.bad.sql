ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id); -- expect: validating-constraint
ALTER TABLE orders ADD FOREIGN KEY (shop_id) REFERENCES shops (id); -- expect: validating-constraint
