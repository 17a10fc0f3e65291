ALTER TABLE users RENAME INDEX idx_a TO idx_b;
CREATE TABLE draft (id BIGINT);
RENAME TABLE draft TO drafts;
