"""The permission table: for every API route (URL name) and method, who may call it.

`ANYONE` needs no token; `AUTHENTICATED` is any signed-in user; otherwise a set of roles. The admin
role may call everything declared here. A route or method missing from the table is refused, and
a test (core/tests/test_permission_table.py) fails when an API route is missing from it.
DRF router names are `<basename>-list`, `<basename>-detail` and `<basename>-<action>`.
"""

from users.roles import (
    ADMIN,
    ANYONE,
    AUTHENTICATED,
    EVERY_ROLE,
    PLANNER,
    PRODUCTION,
    PURCHASE_MANAGER,
    PURCHASER,
    QUALITY,
    SALES,
    STOREKEEPER,
    VIEWER,
)

R = EVERY_ROLE  # read access for every role


def roles(*names: str) -> frozenset[str]:
    return frozenset({ADMIN, *names})


ADMIN_ONLY = roles()

PERMISSIONS: dict[str, dict[str, object]] = {
    # --- platform -------------------------------------------------------------------------
    "health": {"GET": ANYONE},
    "schema": {"GET": ANYONE},
    "docs": {"GET": ANYONE},
    "auth-token": {"POST": ANYONE},
    "auth-token-refresh": {"POST": ANYONE},
    "auth-logout": {"POST": AUTHENTICATED},
    "users-me": {"GET": AUTHENTICATED},
    "users-list": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "users-detail": {"GET": ADMIN_ONLY, "PATCH": ADMIN_ONLY},
    "audit-list": {"GET": ADMIN_ONLY},
    "audit-detail": {"GET": ADMIN_ONLY},
    # --- inventory ------------------------------------------------------------------------
    # Master data: every role reads; planners and purchase managers keep materials, storekeepers
    # keep warehouses and locations. Stock operations and counts: storekeepers. QC status: quality.
    "inventory-materials-list": {"GET": R, "POST": roles(PLANNER, PURCHASE_MANAGER)},
    "inventory-materials-detail": {"GET": R, "PATCH": roles(PLANNER, PURCHASE_MANAGER), "DELETE": ADMIN_ONLY},
    "inventory-materials-import": {"POST": roles(PLANNER, PURCHASE_MANAGER)},
    "inventory-materials-export": {"GET": R},
    "inventory-warehouses-list": {"GET": R, "POST": roles(STOREKEEPER)},
    "inventory-warehouses-detail": {"GET": R, "PATCH": roles(STOREKEEPER), "DELETE": ADMIN_ONLY},
    "inventory-locations-list": {"GET": R, "POST": roles(STOREKEEPER)},
    "inventory-locations-detail": {"GET": R, "PATCH": roles(STOREKEEPER), "DELETE": ADMIN_ONLY},
    "inventory-lots-list": {"GET": R},
    "inventory-lots-detail": {"GET": R},
    "inventory-lots-release": {"POST": roles(QUALITY)},
    "inventory-lots-hold": {"POST": roles(QUALITY)},
    "inventory-lots-reject": {"POST": roles(QUALITY)},
    "inventory-lots-trace": {"GET": R},
    "inventory-rolls-list": {"GET": R},
    "inventory-rolls-detail": {"GET": R},
    "inventory-rolls-cut": {"POST": roles(STOREKEEPER, PRODUCTION)},
    "inventory-rolls-trace": {"GET": R},
    "inventory-rolls-convert": {"GET": R},
    "inventory-balances-list": {"GET": R},
    "inventory-balances-detail": {"GET": R},
    "inventory-stock-moves-list": {"GET": R},
    "inventory-stock-moves-detail": {"GET": R},
    "inventory-operations-issue": {"POST": roles(STOREKEEPER)},
    "inventory-operations-transfer": {"POST": roles(STOREKEEPER)},
    "inventory-operations-adjust": {"POST": roles(STOREKEEPER)},
    "inventory-operations-reserve": {"POST": roles(STOREKEEPER)},
    "inventory-operations-unreserve": {"POST": roles(STOREKEEPER)},
    "inventory-stock-counts-list": {"GET": R, "POST": roles(STOREKEEPER)},
    "inventory-stock-counts-detail": {"GET": R, "PATCH": roles(STOREKEEPER)},
    "inventory-stock-counts-post": {"POST": roles(STOREKEEPER)},
    "inventory-stock-counts-cancel": {"POST": roles(STOREKEEPER)},
    "inventory-opening-balances-list": {"POST": roles(STOREKEEPER)},
    "inventory-reorder-rules-list": {"GET": R, "POST": roles(PLANNER)},
    "inventory-reorder-rules-detail": {"GET": R, "PATCH": roles(PLANNER), "DELETE": roles(PLANNER)},
    "inventory-reorder-suggestions-list": {"GET": R},
    # --- procurement ----------------------------------------------------------------------
    # Purchasers buy, the purchase manager approves, storekeepers receive; quality and planners read.
    "procurement-suppliers-list": {"GET": R, "POST": roles(PURCHASER, PURCHASE_MANAGER)},
    "procurement-suppliers-detail": {"GET": R, "PATCH": roles(PURCHASER, PURCHASE_MANAGER)},
    "procurement-suppliers-import": {"POST": roles(PURCHASER, PURCHASE_MANAGER)},
    "procurement-suppliers-export": {"GET": R},
    "procurement-suppliers-on-time-rate": {"GET": R},
    "procurement-price-lists-list": {
        "GET": roles(PURCHASER, PURCHASE_MANAGER, PLANNER, VIEWER),
        "POST": roles(PURCHASER, PURCHASE_MANAGER),
    },
    "procurement-price-lists-detail": {
        "GET": roles(PURCHASER, PURCHASE_MANAGER, PLANNER, VIEWER),
        "PATCH": roles(PURCHASER, PURCHASE_MANAGER),
    },
    "procurement-purchase-orders-list": {
        "GET": roles(PURCHASER, PURCHASE_MANAGER, STOREKEEPER, QUALITY, PLANNER, VIEWER),
        "POST": roles(PURCHASER, PURCHASE_MANAGER),
    },
    "procurement-purchase-orders-detail": {
        "GET": roles(PURCHASER, PURCHASE_MANAGER, STOREKEEPER, QUALITY, PLANNER, VIEWER),
        "PATCH": roles(PURCHASER, PURCHASE_MANAGER),
    },
    "procurement-purchase-orders-submit": {"POST": roles(PURCHASER, PURCHASE_MANAGER)},
    "procurement-purchase-orders-approve": {"POST": roles(PURCHASE_MANAGER)},
    "procurement-purchase-orders-cancel": {"POST": roles(PURCHASER, PURCHASE_MANAGER)},
    "procurement-purchase-orders-close": {"POST": roles(PURCHASER, PURCHASE_MANAGER)},
    "procurement-receipts-list": {
        "GET": roles(STOREKEEPER, PURCHASER, PURCHASE_MANAGER, QUALITY, PLANNER, VIEWER),
        "POST": roles(STOREKEEPER),
    },
    "procurement-receipts-detail": {"GET": roles(STOREKEEPER, PURCHASER, PURCHASE_MANAGER, QUALITY, PLANNER, VIEWER)},
    "procurement-supplier-returns-list": {
        "GET": roles(STOREKEEPER, PURCHASER, PURCHASE_MANAGER, QUALITY, PLANNER, VIEWER),
        "POST": roles(STOREKEEPER, PURCHASER, PURCHASE_MANAGER),
    },
    "procurement-supplier-returns-detail": {
        "GET": roles(STOREKEEPER, PURCHASER, PURCHASE_MANAGER, QUALITY, PLANNER, VIEWER)
    },
    "procurement-scorecards-list": {"GET": R},
    "procurement-scorecards-detail": {"GET": R},
    "procurement-scorecards-compute": {"POST": roles(PURCHASE_MANAGER, PLANNER)},
    "procurement-scorecard-criteria": {"GET": R, "PUT": roles(PURCHASE_MANAGER)},
    # --- production -----------------------------------------------------------------------
    # Supervisors run work orders and job work; storekeepers may issue material; everyone reads.
    "production-boms-list": {"GET": R, "POST": roles(PRODUCTION)},
    "production-boms-detail": {"GET": R, "PATCH": roles(PRODUCTION)},
    "production-boms-explode": {"GET": R},
    "production-machines-list": {"GET": R, "POST": roles(PRODUCTION, PLANNER)},
    "production-machines-detail": {"GET": R, "PATCH": roles(PRODUCTION, PLANNER)},
    "production-work-orders-list": {"GET": R, "POST": roles(PRODUCTION)},
    "production-work-orders-detail": {"GET": R, "PATCH": roles(PRODUCTION)},
    "production-work-orders-release": {"POST": roles(PRODUCTION)},
    "production-work-orders-issue": {"POST": roles(PRODUCTION, STOREKEEPER)},
    "production-work-orders-output": {"POST": roles(PRODUCTION)},
    "production-work-orders-complete": {"POST": roles(PRODUCTION)},
    "production-work-orders-close": {"POST": roles(PRODUCTION)},
    "production-work-orders-cancel": {"POST": roles(PRODUCTION)},
    "production-job-work-list": {"GET": R, "POST": roles(PRODUCTION)},
    "production-job-work-detail": {"GET": R},
    "production-job-work-issue": {"POST": roles(PRODUCTION, STOREKEEPER)},
    "production-job-work-receive": {"POST": roles(PRODUCTION, STOREKEEPER)},
    "production-job-work-return": {"POST": roles(PRODUCTION, STOREKEEPER)},
    "production-job-work-reconcile": {"POST": roles(PRODUCTION)},
    "production-job-work-cancel": {"POST": roles(PRODUCTION)},
    # --- quality --------------------------------------------------------------------------
    # Quality inspects, grades and releases; production may raise a non-conformance; everyone reads.
    "quality-templates-list": {"GET": R, "POST": roles(QUALITY)},
    "quality-templates-detail": {"GET": R, "PATCH": roles(QUALITY)},
    "quality-rejection-reasons-list": {"GET": R, "POST": roles(QUALITY)},
    "quality-rejection-reasons-detail": {"GET": R, "PATCH": roles(QUALITY)},
    "quality-points-thresholds-list": {"GET": R, "POST": roles(QUALITY)},
    "quality-points-thresholds-detail": {"GET": R, "PATCH": roles(QUALITY)},
    "quality-inspections-list": {"GET": R, "POST": roles(QUALITY)},
    "quality-inspections-detail": {"GET": R},
    "quality-non-conformances-list": {"GET": R, "POST": roles(QUALITY, PRODUCTION)},
    "quality-non-conformances-detail": {"GET": R, "PATCH": roles(QUALITY)},
    "quality-roll-inspections-list": {"GET": R, "POST": roles(QUALITY)},
    "quality-roll-inspections-detail": {"GET": R},
    "quality-roll-inspections-images": {"POST": roles(QUALITY)},
    "quality-shade-standards-list": {"GET": R, "POST": roles(QUALITY)},
    "quality-shade-standards-detail": {"GET": R, "PATCH": roles(QUALITY)},
    "quality-shade-readings-list": {"GET": R, "POST": roles(QUALITY)},
    "quality-shade-readings-detail": {"GET": R},
    # --- sales ----------------------------------------------------------------------------
    "sales-customers-list": {"GET": R, "POST": roles(SALES)},
    "sales-customers-detail": {"GET": R, "PATCH": roles(SALES)},
    "sales-orders-list": {"GET": R, "POST": roles(SALES)},
    "sales-orders-detail": {"GET": R, "PATCH": roles(SALES)},
    "sales-orders-confirm": {"POST": roles(SALES)},
    "sales-orders-allocate": {"POST": roles(SALES)},
    "sales-orders-cancel": {"POST": roles(SALES)},
    "sales-orders-close": {"POST": roles(SALES)},
    "sales-shipments-list": {"GET": R, "POST": roles(STOREKEEPER)},
    "sales-shipments-detail": {"GET": R},
    "sales-shipments-packing-list": {"GET": roles(STOREKEEPER, SALES)},
    "sales-shipments-labels": {"GET": roles(STOREKEEPER, SALES)},
    "sales-returns-list": {"GET": R, "POST": roles(STOREKEEPER)},
    "sales-returns-detail": {"GET": R},
    "sales-feedback-list": {"GET": roles(SALES, QUALITY), "POST": roles(SALES)},
    "sales-feedback-detail": {"GET": roles(SALES, QUALITY), "PATCH": roles(SALES, QUALITY)},
    "sales-feedback-trace": {"GET": roles(SALES, QUALITY)},
    # --- dashboard ------------------------------------------------------------------------
    "kpis-list": {"GET": R},
    "kpis-detail": {"GET": R},
    # --- ml_service -----------------------------------------------------------------------
    "ml-jobs-list": {"GET": R, "POST": roles(PLANNER, PURCHASER, PURCHASE_MANAGER, QUALITY)},
    "ml-jobs-detail": {"GET": R},
    "ml-jobs-cancel": {"POST": roles(PLANNER, PURCHASER, PURCHASE_MANAGER, QUALITY)},
    "ml-models-list": {"GET": R},
    "ml-models-detail": {"GET": R},
    "ml-models-promote": {"POST": roles(PLANNER)},
    "ml-models-rollback": {"POST": roles(PLANNER)},
    "ml-forecasts-list": {"GET": R},
    "ml-forecast-overrides-list": {"GET": R, "POST": roles(PLANNER)},
    "ml-recommendations-list": {"GET": R},
    "ml-recommendations-detail": {"GET": R},
    "ml-recommendations-accept": {"POST": roles(PLANNER)},
    "ml-supplier-scores-list": {"GET": R},
    "ml-defect-scans-list": {"GET": R, "POST": roles(QUALITY)},
    "ml-defect-scans-detail": {"GET": R},
    "ml-defect-scans-label": {"POST": roles(QUALITY)},
    "ml-monitoring": {"GET": R},
    "ml-what-if": {"POST": roles(PLANNER, PURCHASER, PURCHASE_MANAGER, STOREKEEPER)},
    # --- planning -------------------------------------------------------------------------
    # Planners run MRP, keep machine groups and BOM lead times, and firm planned orders; all read.
    "planning-runs-list": {"GET": R, "POST": roles(PLANNER)},
    "planning-runs-detail": {"GET": R},
    "planning-runs-compare": {"GET": R},
    "planning-planned-orders-list": {"GET": R},
    "planning-planned-orders-detail": {"GET": R},
    "planning-planned-orders-firm": {"POST": roles(PLANNER)},
    "planning-planned-orders-firm-bulk": {"POST": roles(PLANNER)},
    "planning-exceptions-list": {"GET": R},
    "planning-exceptions-detail": {"GET": R},
    "planning-capacity-list": {"GET": R},
    "planning-machine-groups-list": {"GET": R, "POST": roles(PLANNER)},
    "planning-machine-groups-detail": {"GET": R, "PATCH": roles(PLANNER)},
    "planning-bom-planning-list": {"GET": R, "POST": roles(PLANNER)},
    "planning-bom-planning-detail": {"GET": R},
}

# Names kept importable for the sections above.
__all__ = [
    "PERMISSIONS",
    "R",
    "roles",
    "ADMIN_ONLY",
    "PLANNER",
    "PRODUCTION",
    "PURCHASE_MANAGER",
    "PURCHASER",
    "QUALITY",
    "SALES",
    "STOREKEEPER",
    "VIEWER",
]
