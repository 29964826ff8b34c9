"""KPI endpoints: every headline KPI at once, or one by name, over a period (?from=&to=)."""

from datetime import date, timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from core.errors import InvalidInput, NotFound
from core.views import WeftAPIView

from .cache import cached
from .kpis import KPIS, Period, evaluate

DEFAULT_DAYS = 30
PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day (default: 29 days before `to`)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, inclusive (default: today)"),
]


def _date(request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"`{name}` must be a date (YYYY-MM-DD).", fields={name: ["must be a date YYYY-MM-DD"]})


def period_from(request) -> Period:
    end = _date(request, "to") or timezone.localdate()
    start = _date(request, "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput("`from` is after `to`.", fields={"from": ["must be on or before `to`"]})
    return Period(start=start, end=end)


def evaluate_cached(name: str, period: Period) -> dict:
    return cached(name, period.start, period.end, lambda: evaluate(name, period))


class KPIListView(WeftAPIView):
    @extend_schema(operation_id="kpis_list", parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        period = period_from(request)
        return Response(
            {
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                "kpis": [evaluate_cached(name, period) for name in KPIS],
            }
        )


class KPIDetailView(WeftAPIView):
    @extend_schema(operation_id="kpis_retrieve", parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request, name: str):
        if name not in KPIS:
            raise NotFound(f"No KPI called {name!r}.", fields={"name": [f"one of: {', '.join(KPIS)}"]})
        return Response(evaluate_cached(name, period_from(request)))
