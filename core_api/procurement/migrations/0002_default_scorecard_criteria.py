from decimal import Decimal

from django.db import migrations

# Starting weights (sum 100); purchase managers change them through the API.
DEFAULT_WEIGHTS = {
    "on_time": Decimal("30"),
    "accept_rate": Decimal("30"),
    "price_variance": Decimal("15"),
    "lead_time_variability": Decimal("10"),
    "ml_score": Decimal("15"),
}


def seed(apps, schema_editor):
    Criterion = apps.get_model("procurement", "ScorecardCriterion")
    for key, weight in DEFAULT_WEIGHTS.items():
        Criterion.objects.get_or_create(key=key, defaults={"weight": weight})


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
