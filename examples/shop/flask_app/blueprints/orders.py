"""Order lookup and cancellation."""
from flask import Blueprint, jsonify

from ..models import Order, db

orders_bp = Blueprint("orders", __name__, url_prefix="/orders")


# OK: read-only.
@orders_bp.route("/<int:order_id>")
def get_order(order_id):  # endpoint: GET /orders/{order_id}
    return jsonify(Order.query.get_or_404(order_id).to_dict())


# BAD (IDM003): Order.query.get returns None once the order is gone, and
# db.session.delete(None) raises, so a retried DELETE answers 500.
@orders_bp.delete("/<int:order_id>")
def delete_order(order_id):  # endpoint: DELETE /orders/{order_id}
    db.session.delete(Order.query.get(order_id))
    db.session.commit()
    return "", 204
