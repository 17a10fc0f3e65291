UPDATE users SET active = true WHERE id < 1000;
UPDATE users u SET score = s.score FROM scores s WHERE s.user_id = u.id;
CREATE TABLE flags (on_off boolean);
UPDATE flags SET on_off = false;
