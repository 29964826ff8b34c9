"""KPI cache: every KPI answer is cached per (KPI, period) under a key that changes whenever the
numbers behind it can change, so a cached KPI is never stale after a posting.

The key holds two things:

- a *data version* kept in the cache, bumped whenever a row of an app the KPIs read (inventory,
  procurement, quality, sales) is saved or deleted — at once and again after the transaction
  commits, so a request that read the old rows between the two cannot leave a stale answer behind;
- the newest stock-move id: the inventory service posts moves with `bulk_create` (no save
  signals), so a posting always shows up in the key even without a signal.

With Redis (REDIS_URL) the version is shared by every API process; entries also expire after
WEFT_KPI_CACHE_S seconds.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_delete, post_save

from inventory.models import StockMove

VERSION_KEY = "dashboard:data-version"
WATCHED_APPS = frozenset({"inventory", "procurement", "quality", "sales"})


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_data_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted or never set: any new value invalidates the old keys
        cache.add(VERSION_KEY, 1, timeout=None)
        cache.incr(VERSION_KEY)


def cache_key(name: str, start, end) -> str:
    newest_move = StockMove.objects.aggregate(m=Max("pk"))["m"] or 0
    return f"dashboard:kpi:{data_version()}:{newest_move}:{name}:{start.isoformat()}:{end.isoformat()}"


def cached(name: str, start, end, compute: Callable[[], dict]) -> dict:
    timeout = settings.WEFT_KPI_CACHE_S
    if timeout <= 0:
        return compute()
    return cache.get_or_set(cache_key(name, start, end), compute, timeout)


def _on_change(sender, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APPS:
        bump_data_version()
        transaction.on_commit(bump_data_version)


def connect() -> None:
    post_save.connect(_on_change, dispatch_uid="dashboard.cache.save")
    post_delete.connect(_on_change, dispatch_uid="dashboard.cache.delete")
