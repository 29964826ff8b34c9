from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the `planning` job kind)
