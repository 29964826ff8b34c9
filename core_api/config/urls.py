from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.views import BenchConstantView, HealthView

handler400 = "core.errors.handler400"
handler403 = "core.errors.handler403"
handler404 = "core.errors.handler404"
handler500 = "core.errors.handler500"


def spa_index(request, *args, **kwargs):
    """The React SPA's index.html for every non-API path, so client-side routes survive a reload."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        raise Http404("The SPA is not built (run `make run`).")
    return FileResponse(index.open("rb"), content_type="text/html")


urlpatterns = [
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/v1/", include("users.urls")),
    path("api/v1/", include("core.urls")),
    path("api/v1/inventory/", include("inventory.urls")),
    path("api/v1/procurement/", include("procurement.urls")),
    path("api/v1/production/", include("production.urls")),
    path("api/v1/quality/", include("quality.urls")),
    path("api/v1/sales/", include("sales.urls")),
    path("api/v1/ml/", include("ml_service.urls")),
    path("api/v1/", include("dashboard.urls")),
    path("api/v1/planning/", include("planning.urls")),
    path("admin/", admin.site.urls),
    re_path(r"^(?!api/|admin/|static/|media/).*$", spa_index, name="spa"),
]

if settings.WEFT_BENCH_ENDPOINTS:
    # Benchmarks only (never in a normal deployment): no auth, no database, not even a transaction.
    urlpatterns.insert(
        0,
        path(
            "api/bench/constant/",
            transaction.non_atomic_requests(BenchConstantView.as_view()),
            name="bench-constant",
        ),
    )
