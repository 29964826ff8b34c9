"""factory_boy factories for quality tests. Stock set-up comes from production's test factories."""

from decimal import Decimal

import factory

from production.tests.factories import (  # noqa: F401  (re-exported for quality's tests)
    FinishedFactory,
    GreigeFactory,
    LocationFactory,
    YarnFactory,
    receive,
    receive_rolls,
)
from quality.models import (
    InspectionParameter,
    InspectionTemplate,
    ParameterKind,
    PointsThreshold,
    RejectionReason,
    ShadeStandard,
)


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    stage = "receipt"


class NumericParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionParameter

    template = factory.SubFactory(TemplateFactory)
    name = factory.Sequence(lambda n: f"numeric {n}")
    kind = ParameterKind.NUMERIC
    min_value = Decimal("0")
    max_value = Decimal("10")


class PassFailParameterFactory(NumericParameterFactory):
    kind = ParameterKind.PASS_FAIL
    min_value = None
    max_value = None


class RejectionReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RejectionReason
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n}")
    description = "reason"


class ThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointsThreshold
        django_get_or_create = ("name",)

    name = "strict"
    max_points_per_100yd2 = Decimal("20")


class ShadeStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShadeStandard

    shade_code = "NAVY-01"
    customer_code = ""
    lab_l = Decimal("50")
    lab_a = Decimal("0")
    lab_b = Decimal("-82.7485")
    tolerance = Decimal("1")
