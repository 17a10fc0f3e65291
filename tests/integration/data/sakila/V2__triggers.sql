-- Sakila's triggers, in its own DELIMITER ;; style.
DELIMITER ;;
CREATE TRIGGER ins_film AFTER INSERT ON film FOR EACH ROW BEGIN
    INSERT INTO film_text (film_id, title, description)
        VALUES (new.film_id, new.title, new.description);
  END;;

CREATE TRIGGER upd_film AFTER UPDATE ON film FOR EACH ROW BEGIN
    IF (old.title != new.title) OR (old.description != new.description) OR (old.film_id != new.film_id)
    THEN
        UPDATE film_text
            SET title=new.title,
                description=new.description,
                film_id=new.film_id
        WHERE film_id=old.film_id;
    END IF;
  END;;

CREATE TRIGGER del_film AFTER DELETE ON film FOR EACH ROW BEGIN
    DELETE FROM film_text WHERE film_id = old.film_id;
  END;;

/*!50003 CREATE TRIGGER customer_create_date BEFORE INSERT ON customer
    FOR EACH ROW SET NEW.create_date = NOW() */;;

CREATE TRIGGER payment_date BEFORE INSERT ON payment
    FOR EACH ROW SET NEW.payment_date = NOW();;
DELIMITER ;
