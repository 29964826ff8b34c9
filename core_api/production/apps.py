from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "production"

    def ready(self) -> None:
        from inventory.supply import PLANNED_PRODUCTION, register_incoming
        from inventory.trace import register_annotator

        from .selectors import lots_produced, planned_production

        # Open work orders are incoming stock of their product (reorder suggestions, MRP), and a
        # trace shows which work order or dye house made each lot.
        register_incoming(PLANNED_PRODUCTION, planned_production)
        register_annotator(lots_produced)
