from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "production"

    def ready(self) -> None:
        from inventory.supply import PLANNED_PRODUCTION, register_incoming

        from .services import planned_production

        # Open work orders are incoming stock of their product for reorder suggestions and MRP.
        register_incoming(PLANNED_PRODUCTION, planned_production)
