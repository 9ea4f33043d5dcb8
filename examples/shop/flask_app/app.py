"""Storefront Flask app: application factory wiring the blueprints."""
import os

from flask import Flask, jsonify

from .blueprints.carts import carts_bp
from .blueprints.orders import orders_bp
from .blueprints.users import users_bp
from .models import db


def not_found(error):
    return jsonify(error="not found"), 404


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite:///storefront.db"),
    )
    if test_config is not None:
        app.config.update(test_config)

    db.init_app(app)
    app.register_blueprint(users_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(carts_bp)
    app.register_error_handler(404, not_found)

    with app.app_context():
        db.create_all()
    return app
