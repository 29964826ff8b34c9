from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"

    def ready(self) -> None:
        from inventory.trace import register_annotator

        from .selectors import lot_inspections

        # A trace shows how each lot was inspected and what was decided.
        register_annotator(lot_inspections)
