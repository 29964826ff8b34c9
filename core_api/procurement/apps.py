from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"

    def ready(self) -> None:
        # Inventory does not import procurement; it asks the providers registered here instead.
        from inventory.supply import ON_ORDER, register_incoming
        from inventory.trace import register_annotator

        from .selectors import lot_provenance, on_order_quantities

        register_incoming(ON_ORDER, on_order_quantities)
        register_annotator(lot_provenance)
