from django.urls import path

from . import views

urlpatterns = [
    path("kpis/", views.KPIListView.as_view(), name="kpis-list"),
    path("kpis/<str:name>/", views.KPIDetailView.as_view(), name="kpis-detail"),
]
