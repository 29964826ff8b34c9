/** Roles are Django groups on the backend; GET /users/me/ lists the signed-in user's. */
export const ROLES = [
  "admin",
  "planner",
  "purchaser",
  "purchase_manager",
  "storekeeper",
  "production",
  "quality",
  "sales",
  "viewer",
] as const;
export type Role = (typeof ROLES)[number];

/**
 * What the signed-in user may call, as GET /users/me/ reports it: API route name → HTTP methods.
 * The server derives it from its one permission table (core_api/config/permissions.py), so the
 * SPA holds no copy of who may do what.
 */
export type Permissions = Record<string, readonly string[]>;

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/**
 * The UI's actions, each named by the API route and method it calls. Whether a user may perform
 * one is looked up in the permissions the API sent; the API stays the authority and answers 403.
 */
export const ACTIONS = {
  "supplier.edit": ["procurement-suppliers-detail", "PATCH"],
  "supplier.create": ["procurement-suppliers-list", "POST"],
  "pricelist.edit": ["procurement-price-lists-list", "POST"],
  "po.create": ["procurement-purchase-orders-list", "POST"],
  "po.edit": ["procurement-purchase-orders-detail", "PATCH"],
  "po.submit": ["procurement-purchase-orders-submit", "POST"],
  "po.approve": ["procurement-purchase-orders-approve", "POST"],
  "po.cancel": ["procurement-purchase-orders-cancel", "POST"],
  "po.close": ["procurement-purchase-orders-close", "POST"],
  "receipt.create": ["procurement-receipts-list", "POST"],
  "supplier_return.create": ["procurement-supplier-returns-list", "POST"],
  "material.create": ["inventory-materials-list", "POST"],
  "material.edit": ["inventory-materials-detail", "PATCH"],
  "location.edit": ["inventory-locations-list", "POST"],
  "roll.cut": ["inventory-rolls-cut", "POST"],
  "stock.operate": ["inventory-operations-transfer", "POST"],
  "count.create": ["inventory-stock-counts-list", "POST"],
  "count.edit": ["inventory-stock-counts-detail", "PATCH"],
  "count.post": ["inventory-stock-counts-post", "POST"],
  "count.cancel": ["inventory-stock-counts-cancel", "POST"],
  "reorder_rule.create": ["inventory-reorder-rules-list", "POST"],
  "reorder_rule.edit": ["inventory-reorder-rules-detail", "PATCH"],
  "lot.qc": ["inventory-lots-release", "POST"],
  "bom.create": ["production-boms-list", "POST"],
  "bom.edit": ["production-boms-detail", "PATCH"],
  "workorder.create": ["production-work-orders-list", "POST"],
  "workorder.release": ["production-work-orders-release", "POST"],
  "workorder.issue": ["production-work-orders-issue", "POST"],
  "workorder.output": ["production-work-orders-output", "POST"],
  "workorder.complete": ["production-work-orders-complete", "POST"],
  "workorder.close": ["production-work-orders-close", "POST"],
  "workorder.cancel": ["production-work-orders-cancel", "POST"],
  "jobwork.create": ["production-job-work-list", "POST"],
  "jobwork.issue": ["production-job-work-issue", "POST"],
  "jobwork.receive": ["production-job-work-receive", "POST"],
  "jobwork.reconcile": ["production-job-work-reconcile", "POST"],
  "inspection.create": ["quality-roll-inspections-list", "POST"],
  "ncr.edit": ["quality-non-conformances-list", "POST"],
  "shade_standard.create": ["quality-shade-standards-list", "POST"],
  "shade_reading.create": ["quality-shade-readings-list", "POST"],
  "scan.upload": ["ml-defect-scans-list", "POST"],
  "scan.label": ["ml-defect-scans-label", "POST"],
  "customer.create": ["sales-customers-list", "POST"],
  "customer.edit": ["sales-customers-detail", "PATCH"],
  "so.create": ["sales-orders-list", "POST"],
  "so.edit": ["sales-orders-detail", "PATCH"],
  "so.confirm": ["sales-orders-confirm", "POST"],
  "so.allocate": ["sales-orders-allocate", "POST"],
  "so.cancel": ["sales-orders-cancel", "POST"],
  "so.close": ["sales-orders-close", "POST"],
  "shipment.create": ["sales-shipments-list", "POST"],
  "shipment.documents": ["sales-shipments-packing-list", "GET"],
  "return.create": ["sales-returns-list", "POST"],
  "feedback.create": ["sales-feedback-list", "POST"],
  "feedback.edit": ["sales-feedback-detail", "PATCH"],
  "planning.run": ["planning-runs-list", "POST"],
  "planning.firm": ["planning-planned-orders-firm", "POST"],
  "planning.firm_bulk": ["planning-planned-orders-firm-bulk", "POST"],
  "planning.read": ["planning-runs-list", "GET"],
} as const satisfies Record<string, readonly [string, Method]>;
export type Action = keyof typeof ACTIONS;

/** Whether the permissions from GET /users/me/ allow an action (false while they are unknown). */
export function can(permissions: Permissions | undefined | null, action: Action): boolean {
  if (!permissions) return false;
  const [route, method] = ACTIONS[action];
  return (permissions[route] ?? []).includes(method);
}
