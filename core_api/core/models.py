"""Base fields every Weft document carries, and the store behind Idempotency-Key."""

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A document edited through the API: `version` backs its ETag and If-Match checks."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def bump_version(self) -> None:
        self.version = (self.version or 0) + 1


class IdempotencyRecord(models.Model):
    """First response to a POST carrying an Idempotency-Key, replayed on repeats."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


def update_rows(objects, fields) -> None:
    """Write `fields` of each object with one plain UPDATE per row (no signals, like bulk_update).

    Django's bulk_update builds one CASE WHEN per field and row; for the handful of rows a posting
    touches, one simple UPDATE per row costs several times less CPU (measured on SQLite: 0.12 ms a
    row against about 1 ms a call and 0.4 ms a row).
    """
    for obj in objects:
        type(obj)._default_manager.filter(pk=obj.pk).update(**{name: getattr(obj, name) for name in fields})
