-- A film-rental schema in the style of the Pagila sample (PostgreSQL's port of MySQL Sakila):
-- domains, enum and composite types, sequences, constraints, comments.
CREATE DOMAIN year AS integer
    CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);

CREATE DOMAIN email_address AS text
    CONSTRAINT email_shape CHECK (VALUE ~* '^[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}$');

CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');

CREATE TYPE money_amount AS (
    amount   numeric(8,2),
    currency char(3)
);

CREATE SEQUENCE customer_id_seq START 1 INCREMENT 1;

CREATE TABLE language (
    language_id  smallserial PRIMARY KEY,
    name         character(20) NOT NULL,
    last_update  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE category (
    category_id  smallserial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    last_update  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE actor (
    actor_id     serial PRIMARY KEY,
    first_name   text NOT NULL,
    last_name    text NOT NULL,
    last_update  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_actor_last_name ON actor (last_name);

CREATE TABLE film (
    film_id              serial PRIMARY KEY,
    title                text NOT NULL,
    description          text,
    release_year         year,
    language_id          smallint NOT NULL REFERENCES language (language_id) ON UPDATE CASCADE,
    rental_duration      smallint NOT NULL DEFAULT 3,
    rental_rate          numeric(4,2) NOT NULL DEFAULT 4.99,
    length               smallint,
    replacement_cost     numeric(5,2) NOT NULL DEFAULT 19.99,
    rating               mpaa_rating DEFAULT 'G',
    special_features     text[],
    fulltext             tsvector,
    last_update          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT film_length_positive CHECK (length IS NULL OR length > 0)
);
COMMENT ON TABLE film IS 'Films in stock; fulltext is kept by a trigger';
CREATE INDEX film_fulltext_idx ON film USING gist (fulltext);
CREATE INDEX idx_title ON film (title);

CREATE TABLE film_actor (
    actor_id     integer NOT NULL REFERENCES actor (actor_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    film_id      integer NOT NULL REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, film_id)
);

CREATE TABLE film_category (
    film_id      integer NOT NULL REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    category_id  smallint NOT NULL REFERENCES category (category_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (film_id, category_id)
);
