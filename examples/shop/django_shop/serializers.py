"""DRF serializers of the django_shop app."""
from rest_framework import serializers

from .models import Cart, Invitation, Order


class OrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "sku", "quantity", "total_cents", "status", "created_at"]
        read_only_fields = ["id", "status", "created_at"]


class CartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cart
        fields = ["id", "items", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "team", "email", "token", "created_at"]
        read_only_fields = ["id", "token", "created_at"]
