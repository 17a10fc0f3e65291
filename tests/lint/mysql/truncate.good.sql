DELETE FROM sessions WHERE expires_at < NOW();
DELETE FROM sessions WHERE id IN (SELECT id FROM expired);
