"""Beat's schedule names real tasks, and the start-up bootstrap queues each first training once."""

import pytest
from django.conf import settings

from config.celery import app
from ml_service.models import MLJob


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
def test_bootstrap_queues_first_trainings_once(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    # Jobs are only queued here: nothing runs them (the on-commit dispatch is captured, not executed).
    with django_capture_on_commit_callbacks(execute=False):
        call_command("bootstrap_models")
        call_command("bootstrap_models")
    queued = sorted(MLJob.objects.values_list("params__model", flat=True))
    # An empty mill has no demand or supplier history yet: those wait for the nightly retraining.
    assert queued == ["defect_cnn", "inventory_surrogate"]
