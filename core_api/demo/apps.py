from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo mill: `manage.py seed_demo` builds a realistic mill through Weft's own services."""

    name = "demo"
