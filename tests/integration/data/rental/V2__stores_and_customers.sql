CREATE TABLE address (
    address_id   serial PRIMARY KEY,
    address      text NOT NULL,
    district     text NOT NULL,
    postal_code  text,
    phone        text NOT NULL,
    last_update  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE store (
    store_id     serial PRIMARY KEY,
    address_id   integer NOT NULL REFERENCES address (address_id),
    last_update  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customer (
    customer_id  integer PRIMARY KEY DEFAULT nextval('customer_id_seq'),
    store_id     integer NOT NULL REFERENCES store (store_id),
    first_name   text NOT NULL,
    last_name    text NOT NULL,
    email        email_address,
    address_id   integer NOT NULL REFERENCES address (address_id),
    active       boolean NOT NULL DEFAULT true,
    create_date  date NOT NULL DEFAULT current_date,
    last_update  timestamptz DEFAULT now()
);
ALTER SEQUENCE customer_id_seq OWNED BY customer.customer_id;
CREATE INDEX idx_customer_last_name ON customer (last_name);

CREATE TABLE inventory (
    inventory_id serial PRIMARY KEY,
    film_id      integer NOT NULL REFERENCES film (film_id),
    store_id     integer NOT NULL REFERENCES store (store_id),
    last_update  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_store_id_film_id ON inventory (store_id, film_id);

CREATE TABLE rental (
    rental_id    serial PRIMARY KEY,
    rental_date  timestamptz NOT NULL,
    inventory_id integer NOT NULL REFERENCES inventory (inventory_id),
    customer_id  integer NOT NULL REFERENCES customer (customer_id),
    return_date  timestamptz,
    last_update  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rental_dates CHECK (return_date IS NULL OR return_date >= rental_date)
);
CREATE UNIQUE INDEX idx_unq_rental ON rental (rental_date, inventory_id, customer_id);

-- Payments are partitioned by month, as in Pagila.
CREATE TABLE payment (
    payment_id   serial,
    customer_id  integer NOT NULL REFERENCES customer (customer_id),
    rental_id    integer REFERENCES rental (rental_id),
    amount       numeric(5,2) NOT NULL CHECK (amount >= 0),
    payment_date timestamptz NOT NULL,
    PRIMARY KEY (payment_date, payment_id)
) PARTITION BY RANGE (payment_date);

CREATE TABLE payment_2026_01 PARTITION OF payment
    FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE payment_2026_02 PARTITION OF payment
    FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
