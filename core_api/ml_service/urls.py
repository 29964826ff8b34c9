from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("jobs", views.MLJobViewSet, basename="ml-jobs")
router.register("models", views.ModelVersionViewSet, basename="ml-models")
router.register("forecasts", views.ForecastViewSet, basename="ml-forecasts")
router.register("forecast-overrides", views.ForecastOverrideViewSet, basename="ml-forecast-overrides")
router.register("supplier-scores", views.SupplierScoreViewSet, basename="ml-supplier-scores")
router.register("defect-scans", views.DefectScanViewSet, basename="ml-defect-scans")
router.register("recommendations", views.RecommendationViewSet, basename="ml-recommendations")

urlpatterns = [
    path("what-if/", views.WhatIfView.as_view(), name="ml-what-if"),
    path("monitoring/", views.MonitoringView.as_view(), name="ml-monitoring"),
    *router.urls,
]
