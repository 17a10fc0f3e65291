-- Keep orders.total equal to the sum of its items. The DELIMITER blocks are split by dbctl.
DELIMITER //
CREATE TRIGGER order_items_after_insert AFTER INSERT ON order_items
FOR EACH ROW
BEGIN
    UPDATE orders SET total = total + NEW.quantity * NEW.unit_price WHERE id = NEW.order_id;
END//

CREATE PROCEDURE recompute_order_total(IN p_order_id BIGINT UNSIGNED)
BEGIN
    UPDATE orders o
    SET o.total = (SELECT COALESCE(SUM(quantity * unit_price), 0)
                   FROM order_items WHERE order_id = p_order_id)
    WHERE o.id = p_order_id;
END//
DELIMITER ;
