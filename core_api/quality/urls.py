from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("templates", views.TemplateViewSet, basename="quality-templates")
router.register("rejection-reasons", views.RejectionReasonViewSet, basename="quality-rejection-reasons")
router.register("points-thresholds", views.PointsThresholdViewSet, basename="quality-points-thresholds")
router.register("inspections", views.InspectionViewSet, basename="quality-inspections")
router.register("non-conformances", views.NonConformanceViewSet, basename="quality-non-conformances")
router.register("roll-inspections", views.RollInspectionViewSet, basename="quality-roll-inspections")
router.register("shade-standards", views.ShadeStandardViewSet, basename="quality-shade-standards")
router.register("shade-readings", views.ShadeReadingViewSet, basename="quality-shade-readings")

urlpatterns = [*router.urls]
