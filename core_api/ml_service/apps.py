from django.apps import AppConfig


class MlServiceConfig(AppConfig):
    name = "ml_service"
