CREATE TABLE addresses (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT UNSIGNED NOT NULL,
    line1       VARCHAR(200)    NOT NULL,
    city        VARCHAR(100)    NOT NULL,
    postal_code VARCHAR(20)     NOT NULL,
    country     CHAR(2)         NOT NULL,
    CONSTRAINT addresses_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- dbctl:lint-ignore ddl-with-dml dbctl records each statement: a failed INSERT resumes here, the CREATE is not run again
INSERT INTO users (email, display_name, password_hash)
VALUES ('demo@example.com', 'Demo Customer', 'locked');
