-- Keep users.updated_at current on every change.
-- CREATE TRIGGER locks users: give up after 5 s rather than queue every query behind it.
SET LOCAL lock_timeout = '5s';

CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_touch_updated_at
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

INSERT INTO users (email, display_name, password_hash)
VALUES ('demo@example.com', 'Demo Customer', 'locked');
