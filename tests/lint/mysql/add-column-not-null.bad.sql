ALTER TABLE users ADD COLUMN age INT NOT NULL; -- expect: add-column-not-null
ALTER TABLE `users` ADD `nickname` VARCHAR(50) NOT NULL AFTER name; -- expect: add-column-not-null
