from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("customers", views.CustomerViewSet, basename="sales-customers")
router.register("orders", views.SalesOrderViewSet, basename="sales-orders")
router.register("shipments", views.ShipmentViewSet, basename="sales-shipments")
router.register("returns", views.CustomerReturnViewSet, basename="sales-returns")
router.register("feedback", views.FeedbackViewSet, basename="sales-feedback")

urlpatterns = [*router.urls]
