-- Dollar-quoted PL/pgSQL with nested quotes, semicolons and tagged dollar quotes.
CREATE FUNCTION last_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.last_update = CURRENT_TIMESTAMP;
    RETURN NEW;
END $$;

CREATE FUNCTION film_fulltext_update() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    -- A comment with a ; and a 'quote' inside the body.
    NEW.fulltext := to_tsvector('english', coalesce(NEW.title, '') || ' ' || coalesce(NEW.description, ''));
    RETURN NEW;
END;
$body$;

CREATE FUNCTION inventory_in_stock(p_inventory_id integer) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_rentals integer;
    v_out     integer;
BEGIN
    SELECT count(*) INTO v_rentals FROM rental WHERE inventory_id = p_inventory_id;
    IF v_rentals = 0 THEN
        RETURN true;
    END IF;
    SELECT count(rental_id) INTO v_out
    FROM inventory LEFT JOIN rental USING (inventory_id)
    WHERE inventory.inventory_id = p_inventory_id AND rental.return_date IS NULL;
    RETURN v_out = 0;
END $$;

CREATE FUNCTION get_customer_balance(p_customer_id integer, p_effective_date timestamptz)
RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    v_rentfees numeric;
    v_overfees numeric;
    v_payments numeric;
BEGIN
    SELECT coalesce(sum(film.rental_rate), 0) INTO v_rentfees
    FROM film, inventory, rental
    WHERE film.film_id = inventory.film_id AND inventory.inventory_id = rental.inventory_id
      AND rental.rental_date <= p_effective_date AND rental.customer_id = p_customer_id;

    SELECT coalesce(sum(CASE WHEN (rental.return_date - rental.rental_date) >
                                  (film.rental_duration * '1 day'::interval)
                             THEN extract(day FROM (rental.return_date - rental.rental_date)
                                  - (film.rental_duration * '1 day'::interval))
                             ELSE 0 END), 0) INTO v_overfees
    FROM rental, inventory, film
    WHERE film.film_id = inventory.film_id AND inventory.inventory_id = rental.inventory_id
      AND rental.rental_date <= p_effective_date AND rental.customer_id = p_customer_id;

    SELECT coalesce(sum(payment.amount), 0) INTO v_payments
    FROM payment WHERE payment.payment_date <= p_effective_date AND payment.customer_id = p_customer_id;

    RETURN v_rentfees + v_overfees - v_payments;
END $$;

CREATE FUNCTION _group_concat(text, text) RETURNS text
LANGUAGE sql IMMUTABLE AS $_$
    SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END
$_$;

CREATE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text);

CREATE TRIGGER film_fulltext_trigger BEFORE INSERT OR UPDATE ON film
    FOR EACH ROW EXECUTE FUNCTION film_fulltext_update();

CREATE TRIGGER last_updated BEFORE UPDATE ON actor FOR EACH ROW EXECUTE FUNCTION last_updated();
CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW EXECUTE FUNCTION last_updated();
CREATE TRIGGER last_updated BEFORE UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION last_updated();
CREATE TRIGGER last_updated BEFORE UPDATE ON rental FOR EACH ROW EXECUTE FUNCTION last_updated();
