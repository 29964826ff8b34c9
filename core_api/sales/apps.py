from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"

    def ready(self) -> None:
        from inventory.trace import register_annotator

        from .selectors import lot_shipments

        # Inventory cannot import sales; a downstream trace learns who got each lot this way.
        register_annotator(lot_shipments)
