from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("boms", views.BOMViewSet, basename="production-boms")
router.register("machines", views.MachineViewSet, basename="production-machines")
router.register("work-orders", views.WorkOrderViewSet, basename="production-work-orders")
router.register("job-work", views.JobWorkViewSet, basename="production-job-work")

urlpatterns = [*router.urls]
