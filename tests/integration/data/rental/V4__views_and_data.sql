CREATE VIEW actor_info AS
SELECT a.actor_id, a.first_name, a.last_name,
       group_concat(DISTINCT c.name || ': ' || f.title) AS film_info
FROM actor a
LEFT JOIN film_actor fa ON fa.actor_id = a.actor_id
LEFT JOIN film_category fc ON fc.film_id = fa.film_id
LEFT JOIN category c ON c.category_id = fc.category_id
LEFT JOIN film f ON f.film_id = fa.film_id
GROUP BY a.actor_id, a.first_name, a.last_name;

CREATE MATERIALIZED VIEW rental_by_category AS
SELECT c.name AS category, sum(p.amount) AS total_sales
FROM payment p
JOIN rental r ON p.rental_id = r.rental_id
JOIN inventory i ON r.inventory_id = i.inventory_id
JOIN film_category fc ON i.film_id = fc.film_id
JOIN category c ON fc.category_id = c.category_id
GROUP BY c.name
WITH NO DATA;

INSERT INTO language (name) VALUES ('English'), ('Italian'), ('Japanese');
INSERT INTO category (name) VALUES ('Action'), ('Comedy'), ('Documentary');
INSERT INTO actor (first_name, last_name) VALUES ('PENELOPE', 'GUINESS'), ('NICK', 'WAHLBERG');
INSERT INTO film (title, description, release_year, language_id, rating, special_features)
VALUES ('ACADEMY DINOSAUR', 'An Epic Drama of a Feminist And a Mad Scientist; in the Rockies', 2006, 1, 'PG',
        ARRAY['Deleted Scenes', 'Behind the Scenes']),
       ('ACE GOLDFINGER', 'A Astounding Epistle of a Database Administrator''s Dog', 2006, 1, 'G', NULL);
INSERT INTO film_actor (actor_id, film_id) VALUES (1, 1), (2, 1), (2, 2);
INSERT INTO film_category (film_id, category_id) VALUES (1, 3), (2, 1);
INSERT INTO address (address, district, phone) VALUES ('47 MySakila Drive', 'Alberta', '555-0100');
INSERT INTO store (address_id) VALUES (1);
INSERT INTO customer (store_id, first_name, last_name, email, address_id)
VALUES (1, 'MARY', 'SMITH', 'mary.smith@example.org', 1);
INSERT INTO inventory (film_id, store_id) VALUES (1, 1), (2, 1);
INSERT INTO rental (rental_date, inventory_id, customer_id, return_date)
VALUES ('2026-01-05 10:00+00', 1, 1, '2026-01-09 10:00+00');
INSERT INTO payment (customer_id, rental_id, amount, payment_date)
VALUES (1, 1, 2.99, '2026-01-05 10:05+00');
REFRESH MATERIALIZED VIEW rental_by_category;
