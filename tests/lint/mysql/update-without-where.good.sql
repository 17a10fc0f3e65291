UPDATE users SET active = 1 WHERE id < 1000;
UPDATE users SET note = '# not a comment -- nor this' WHERE id = 1;
