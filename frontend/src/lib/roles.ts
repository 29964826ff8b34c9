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
 * What the UI offers to whom. It mirrors the backend permission table
 * (core_api/config/permissions.py) so nobody sees a button the API would refuse; the API stays
 * the authority and answers 403 anyway. admin may do everything.
 */
export const ACTIONS = {
  "supplier.edit": ["purchaser", "purchase_manager"],
  "pricelist.edit": ["purchaser", "purchase_manager"],
  "po.create": ["purchaser", "purchase_manager"],
  "po.submit": ["purchaser", "purchase_manager"],
  "po.approve": ["purchase_manager"],
  "po.cancel": ["purchaser", "purchase_manager"],
  "receipt.create": ["storekeeper"],
  "supplier_return.create": ["storekeeper", "purchaser", "purchase_manager"],
  "material.edit": ["planner", "purchase_manager"],
  "location.edit": ["storekeeper"],
  "roll.cut": ["storekeeper", "production"],
  "stock.operate": ["storekeeper"],
  "lot.qc": ["quality"],
  "bom.edit": ["production"],
  "workorder.operate": ["production"],
  "workorder.issue": ["production", "storekeeper"],
  "jobwork.create": ["production"],
  "jobwork.move": ["production", "storekeeper"],
  "inspection.create": ["quality"],
  "ncr.edit": ["quality"],
  "customer.edit": ["sales"],
  "so.create": ["sales"],
  "so.confirm": ["sales"],
  "so.allocate": ["sales"],
  "so.cancel": ["sales"],
  "shipment.create": ["storekeeper"],
  "return.create": ["storekeeper"],
  "feedback.create": ["sales"],
  "feedback.edit": ["sales", "quality"],
} satisfies Record<string, readonly Role[]>;
export type Action = keyof typeof ACTIONS;

export function can(roles: readonly string[] | undefined, action: Action): boolean {
  if (!roles) return false;
  if (roles.includes("admin")) return true;
  const allowed: readonly string[] = ACTIONS[action];
  return roles.some((r) => allowed.includes(r));
}
