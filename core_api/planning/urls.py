from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("runs", views.RunViewSet, basename="planning-runs")
router.register("planned-orders", views.PlannedOrderViewSet, basename="planning-planned-orders")
router.register("exceptions", views.ExceptionViewSet, basename="planning-exceptions")
router.register("capacity", views.CapacityViewSet, basename="planning-capacity")
router.register("machine-groups", views.MachineGroupViewSet, basename="planning-machine-groups")
router.register("bom-planning", views.BOMPlanningViewSet, basename="planning-bom-planning")

urlpatterns = [*router.urls]
