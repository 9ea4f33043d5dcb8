"""DRF views of the django_shop app. Routes: see urls.py."""
from django.core.mail import send_mail
from django.shortcuts import get_object_or_404
from rest_framework import status, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Cart, Invitation, Order, Payment
from .serializers import CartSerializer, InvitationSerializer, OrderSerializer


class OrderDetail(APIView):
    # OK: read-only.
    def get(self, request, pk):  # endpoint: GET ?
        order = get_object_or_404(Order, pk=pk, user=request.user)
        return Response(OrderSerializer(order).data)

    # BAD (IDM004): PUT inserts a new Order on every call (Order.objects.create) instead
    # of replacing order pk; a retried PUT leaves two orders.
    def put(self, request, pk):  # endpoint: PUT ?
        get_object_or_404(Order, pk=pk, user=request.user)
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = Order.objects.create(user=request.user, **serializer.validated_data)
        return Response(OrderSerializer(order).data)

    # OK (IDM003 satisfied): get_object_or_404 answers 404 when the order is already gone.
    def delete(self, request, pk):  # endpoint: DELETE ?
        get_object_or_404(Order, pk=pk, user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartViewSet(viewsets.GenericViewSet):
    serializer_class = CartSerializer

    # OK (IDM001/IDM004 satisfied): update_or_create upserts the user's single cart;
    # a retry writes the same items again.
    def update(self, request, pk=None):  # endpoint: PUT ?, PATCH ?
        cart, _ = Cart.objects.update_or_create(
            user=request.user, defaults={"items": request.data.get("items", [])}
        )
        return Response(CartSerializer(cart).data)


class InvitationViewSet(viewsets.ViewSet):
    # OK (IDM002 satisfied): get_or_create dedupes on (team, email), and the mail is only
    # sent when the invitation is new, so a retry sends nothing twice.
    def create(self, request):  # endpoint: POST ?
        serializer = InvitationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, created = Invitation.objects.get_or_create(
            team=serializer.validated_data["team"],
            email=serializer.validated_data["email"],
            defaults={"invited_by": request.user},
        )
        if created:
            send_mail(
                "You are invited",
                f"Join {invitation.team}: /invitations/{invitation.token}/accept",
                None,
                [invitation.email],
            )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(InvitationSerializer(invitation).data, status=code)

    # BAD (IDM003): Invitation.objects.get raises DoesNotExist on the second DELETE,
    # which DRF turns into a 500.
    def destroy(self, request, pk=None):  # endpoint: DELETE ?
        Invitation.objects.get(pk=pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# OK (IDM003 satisfied): filter(...).delete() deletes nothing when the payment is already gone.
@api_view(["DELETE"])
def delete_payment(request, pk):  # endpoint: DELETE ?
    Payment.objects.filter(pk=pk, order__user=request.user).delete()
    return Response(status=status.HTTP_204_NO_CONTENT)
