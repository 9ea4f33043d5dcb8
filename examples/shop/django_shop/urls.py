"""URLconf of the django_shop example."""
from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register(r"carts", views.CartViewSet, basename="cart")
router.register(r"invitations", views.InvitationViewSet, basename="invitation")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("orders/<int:pk>/", views.OrderDetail.as_view(), name="order-detail"),
    path("payments/<int:pk>/", views.delete_payment, name="payment-delete"),
    path("", include(router.urls)),
]
