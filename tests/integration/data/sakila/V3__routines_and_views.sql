DELIMITER //
CREATE FUNCTION inventory_in_stock(p_inventory_id INT) RETURNS BOOLEAN
READS SQL DATA
BEGIN
    DECLARE v_rentals INT;
    DECLARE v_out     INT;

    -- An item is in stock if there are no rentals, or all its rentals are returned; an
    -- apostrophe in a comment ('s) must not confuse the splitter.
    SELECT COUNT(*) INTO v_rentals FROM rental WHERE inventory_id = p_inventory_id;
    IF v_rentals = 0 THEN
      RETURN TRUE;
    END IF;

    SELECT COUNT(rental_id) INTO v_out
    FROM inventory LEFT JOIN rental USING(inventory_id)
    WHERE inventory.inventory_id = p_inventory_id AND rental.return_date IS NULL;

    IF v_out > 0 THEN
      RETURN FALSE;
    ELSE
      RETURN TRUE;
    END IF;
END //

CREATE PROCEDURE film_in_stock(IN p_film_id INT, IN p_store_id INT, OUT p_film_count INT)
READS SQL DATA
BEGIN
     SELECT inventory_id
     FROM inventory
     WHERE film_id = p_film_id
     AND store_id = p_store_id
     AND inventory_in_stock(inventory_id);

     SELECT COUNT(*)
     FROM inventory
     WHERE film_id = p_film_id
     AND store_id = p_store_id
     AND inventory_in_stock(inventory_id)
     INTO p_film_count;
END //

CREATE PROCEDURE rewards_report (
    IN min_monthly_purchases TINYINT UNSIGNED,
    IN min_dollar_amount_purchased DECIMAL(10,2),
    OUT count_rewardees INT
)
LANGUAGE SQL
NOT DETERMINISTIC
READS SQL DATA
SQL SECURITY DEFINER
COMMENT 'Provides a customizable report on best customers'
proc: BEGIN
    DECLARE last_month_start DATE;
    DECLARE last_month_end DATE;

    IF min_monthly_purchases = 0 THEN
        SELECT 'Minimum monthly purchases parameter must be > 0';
        LEAVE proc;
    END IF;

    SET last_month_start = DATE_SUB(CURRENT_DATE(), INTERVAL 1 MONTH);
    SET last_month_start = STR_TO_DATE(CONCAT(YEAR(last_month_start), '-', MONTH(last_month_start), '-01'), '%Y-%m-%d');
    SET last_month_end = LAST_DAY(last_month_start);

    SELECT COUNT(*) INTO count_rewardees
    FROM payment AS p
    WHERE DATE(p.payment_date) BETWEEN last_month_start AND last_month_end
    GROUP BY customer_id
    HAVING SUM(p.amount) > min_dollar_amount_purchased AND COUNT(customer_id) > min_monthly_purchases
    LIMIT 1;
END //
DELIMITER ;

CREATE VIEW actor_info AS
SELECT a.actor_id, a.first_name, a.last_name,
       GROUP_CONCAT(DISTINCT CONCAT(c.name, ': ', f.title) ORDER BY c.name SEPARATOR '; ') AS film_info
FROM actor a
LEFT JOIN film_actor fa ON a.actor_id = fa.actor_id
LEFT JOIN film_category fc ON fa.film_id = fc.film_id
LEFT JOIN category c ON fc.category_id = c.category_id
LEFT JOIN film f ON f.film_id = fa.film_id
GROUP BY a.actor_id, a.first_name, a.last_name;

INSERT INTO language (name) VALUES ('English'), ('Italian');
INSERT INTO category (name) VALUES ('Action'), ('Documentary');
INSERT INTO actor (first_name, last_name) VALUES ('PENELOPE', 'GUINESS'), ('NICK', 'WAHLBERG');
INSERT INTO film (title, description, release_year, language_id, rating, special_features)
VALUES ('ACADEMY DINOSAUR', 'A Epic Drama of a Feminist And a Mad Scientist; in The Canadian Rockies', 2006, 1,
        'PG', 'Deleted Scenes,Behind the Scenes');
INSERT INTO film_actor (actor_id, film_id) VALUES (1, 1), (2, 1);
INSERT INTO film_category (film_id, category_id) VALUES (1, 2);
INSERT INTO country (country) VALUES ('Canada');
INSERT INTO city (city, country_id) VALUES ('Lethbridge', 1);
INSERT INTO address (address, district, city_id, phone) VALUES ('47 MySakila Drive', 'Alberta', 1, '');
INSERT INTO store (address_id) VALUES (1);
INSERT INTO customer (store_id, first_name, last_name, address_id) VALUES (1, 'MARY', 'SMITH', 1);
INSERT INTO inventory (film_id, store_id) VALUES (1, 1), (1, 1);
INSERT INTO rental (rental_date, inventory_id, customer_id) VALUES (NOW(), 1, 1);
