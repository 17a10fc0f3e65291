-- dbctl:no-transaction
-- Built without locking writes; CONCURRENTLY cannot run inside a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_placed_at_idx
    ON orders (user_id, placed_at DESC);
