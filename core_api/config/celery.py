"""The Celery application. Workers: `celery -A config worker -Q ml,default`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("weft")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
