"""User profile and credit balance."""
from flask import Blueprint, jsonify, request

from ..models import User, db

users_bp = Blueprint("users", __name__, url_prefix="/users")


# OK: read-only.
@users_bp.get("/<int:user_id>")
def get_user(user_id):  # endpoint: GET /users/{user_id}
    return jsonify(db.get_or_404(User, user_id).to_dict())


# OK (IDM001 satisfied): PUT sets the balance to the value sent; a retry sets the same value.
@users_bp.put("/<int:user_id>/credits")
def set_credits(user_id):  # endpoint: PUT /users/{user_id}/credits
    user = db.get_or_404(User, user_id)
    user.credits = int(request.get_json()["credits"])
    db.session.commit()
    return jsonify(user.to_dict())
