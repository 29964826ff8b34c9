from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("materials", views.MaterialViewSet, basename="inventory-materials")
router.register("warehouses", views.WarehouseViewSet, basename="inventory-warehouses")
router.register("locations", views.LocationViewSet, basename="inventory-locations")
router.register("lots", views.LotViewSet, basename="inventory-lots")
router.register("rolls", views.RollViewSet, basename="inventory-rolls")
router.register("balances", views.BalanceViewSet, basename="inventory-balances")
router.register("stock-moves", views.MoveViewSet, basename="inventory-stock-moves")
router.register("operations", views.OperationViewSet, basename="inventory-operations")
router.register("stock-counts", views.StockCountViewSet, basename="inventory-stock-counts")
router.register("opening-balances", views.OpeningBalanceViewSet, basename="inventory-opening-balances")
router.register("reorder-rules", views.ReorderRuleViewSet, basename="inventory-reorder-rules")
router.register("reorder-suggestions", views.ReorderSuggestionViewSet, basename="inventory-reorder-suggestions")

urlpatterns = [*router.urls]
