from django.apps import AppConfig


class MlServiceConfig(AppConfig):
    name = "ml_service"
    verbose_name = "ML service"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (registers the job kinds)
