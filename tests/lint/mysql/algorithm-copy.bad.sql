ALTER TABLE users ADD COLUMN x INT, ALGORITHM=COPY; -- expect: algorithm-copy
ALTER TABLE users ADD INDEX idx_a (a), LOCK = EXCLUSIVE; -- expect: algorithm-copy
CREATE INDEX idx_b ON users (b) ALGORITHM COPY; -- expect: algorithm-copy
