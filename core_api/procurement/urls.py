from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("suppliers", views.SupplierViewSet, basename="procurement-suppliers")
router.register("price-lists", views.PriceListViewSet, basename="procurement-price-lists")
router.register("purchase-orders", views.PurchaseOrderViewSet, basename="procurement-purchase-orders")
router.register("receipts", views.ReceiptViewSet, basename="procurement-receipts")
router.register("supplier-returns", views.SupplierReturnViewSet, basename="procurement-supplier-returns")
router.register("scorecards", views.ScorecardViewSet, basename="procurement-scorecards")

urlpatterns = [
    path("scorecard-criteria/", views.ScorecardCriteriaView.as_view(), name="procurement-scorecard-criteria"),
    *router.urls,
]
