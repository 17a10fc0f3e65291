ALTER TABLE users MODIFY COLUMN age BIGINT; -- expect: alter-column-type
ALTER TABLE users MODIFY name VARCHAR(200) NOT NULL; -- expect: alter-column-type
ALTER TABLE users CHANGE bio bio MEDIUMTEXT; -- expect: alter-column-type
