INSERT INTO categories (slug, name) VALUES
    ('books', 'Books'),
    ('games', 'Games'),
    ('kitchen', 'Kitchen');

INSERT INTO products (sku, name, category_id, price)
SELECT 'BOOK-0001', 'The SQL Cookbook', id, 39.90 FROM categories WHERE slug = 'books';

INSERT INTO inventory (product_id, on_hand)
SELECT id, 25 FROM products WHERE sku = 'BOOK-0001';
