"""Shopping carts."""
from flask import Blueprint, jsonify, request

from ..models import Cart, CartItem, db

carts_bp = Blueprint("carts", __name__, url_prefix="/carts")


# BAD (IDM001): PUT appends to the cart's items; every retry adds the item once more.
@carts_bp.route("/<int:cart_id>/items", methods=["PUT"])
def put_cart_item(cart_id):  # endpoint: PUT /carts/{cart_id}/items
    cart = Cart.query.get_or_404(cart_id)
    data = request.get_json()
    item = CartItem(sku=data["sku"], quantity=data.get("quantity", 1))
    cart.items.append(item)
    db.session.commit()
    return jsonify(cart.to_dict())


# OK (IDM003 satisfied): get_or_404 answers 404 when the cart is already gone.
@carts_bp.delete("/<int:cart_id>")
def delete_cart(cart_id):  # endpoint: DELETE /carts/{cart_id}
    db.session.delete(Cart.query.get_or_404(cart_id))
    db.session.commit()
    return "", 204
