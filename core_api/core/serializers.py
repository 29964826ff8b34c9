"""Serializer bases: unknown fields are an error, not silently dropped; ids and integers are checked
before they reach the database (a float is no id, and a number past 64 bits fits no column)."""

from collections.abc import Mapping

from django.core.validators import MaxValueValidator, MinValueValidator
from rest_framework import serializers

MAX_INT = 2**63 - 1  # the widest integer column either database holds (and every primary key)


class _IdField(serializers.IntegerField):
    """How a strict serializer reads a primary key: a whole number from 1 to MAX_INT, or 400."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_INT, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        self.run_validators(value)
        return value


def _harden(field) -> None:
    if isinstance(field, serializers.ManyRelatedField):
        field = field.child_relation
    if isinstance(field, serializers.ListField):
        _harden(field.child)
    elif isinstance(field, serializers.PrimaryKeyRelatedField) and field.pk_field is None:
        field.pk_field = _IdField()
    elif isinstance(field, serializers.IntegerField) and not field.read_only:
        if field.max_value is None:
            field.max_value = MAX_INT
            field.validators.append(MaxValueValidator(MAX_INT, message=f"Ensure this value is at most {MAX_INT}."))
        if field.min_value is None:
            field.min_value = -MAX_INT
            field.validators.append(MinValueValidator(-MAX_INT, message=f"Ensure this value is at least {-MAX_INT}."))


class StrictFieldsMixin:
    """Reject keys the serializer does not declare as writable (DESIGN §4: unknown fields → 400).

    Primary keys must be whole numbers (DRF would read 1.5 as 1) and integers must fit 64 bits.
    """

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _harden(field)
        return fields

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {name: ["Unknown field."] for name in sorted(set(data) - writable)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            raise serializers.ValidationError({**unknown, **detail})
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass
