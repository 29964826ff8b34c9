import { can, type Action, type Permissions, type Role } from "@/lib/roles";

export interface NavItem {
  to: string;
  label: string;
  /** Roles for whom the entry is shown; admin, planner and viewer see every entry. */
  roles?: readonly Role[];
  /** Shown only when the API's permissions allow this action (pages that only write). */
  action?: Action;
}
export interface NavSection {
  label: string;
  roles?: readonly Role[];
  items: NavItem[];
}

const EVERYONE_SEES = ["admin", "planner", "viewer"];

export const NAV: NavSection[] = [
  { label: "Overview", items: [{ to: "/", label: "Dashboard" }, { to: "/trace", label: "Traceability" }] },
  {
    label: "Procurement",
    roles: ["purchaser", "purchase_manager", "storekeeper"],
    items: [
      { to: "/procurement/purchase-orders", label: "Purchase orders" },
      { to: "/procurement/receipts", label: "Goods receipts" },
      { to: "/procurement/suppliers", label: "Suppliers", roles: ["purchaser", "purchase_manager"] },
      { to: "/procurement/price-lists", label: "Price lists", roles: ["purchaser", "purchase_manager"] },
    ],
  },
  {
    label: "Inventory",
    items: [
      { to: "/inventory/materials", label: "Materials" },
      { to: "/inventory/lots", label: "Lots" },
      { to: "/inventory/rolls", label: "Rolls" },
      { to: "/inventory/balances", label: "Balances" },
      { to: "/inventory/operations", label: "Transfers & adjustments", roles: ["storekeeper"], action: "stock.operate" },
      { to: "/inventory/counts", label: "Stock counts", roles: ["storekeeper"] },
      { to: "/inventory/reorder", label: "Reorder suggestions", roles: ["storekeeper", "purchaser", "purchase_manager"] },
      { to: "/inventory/reorder-rules", label: "Reorder rules", roles: ["purchaser", "purchase_manager"] },
    ],
  },
  {
    label: "Production",
    roles: ["production", "storekeeper"],
    items: [
      { to: "/production/work-orders", label: "Work orders" },
      { to: "/production/boms", label: "BOMs" },
      { to: "/production/job-work", label: "Job work" },
    ],
  },
  {
    label: "Quality",
    roles: ["quality", "storekeeper", "sales"],
    items: [
      { to: "/quality/inspections", label: "Inspections" },
      { to: "/quality/non-conformances", label: "Non-conformances", roles: ["quality"] },
      { to: "/quality/shade", label: "Shade", roles: ["quality"] },
      { to: "/quality/scans", label: "Defect scans", roles: ["quality"] },
    ],
  },
  {
    label: "Sales",
    roles: ["sales", "storekeeper"],
    items: [
      { to: "/sales/orders", label: "Sales orders" },
      { to: "/sales/shipments", label: "Shipments" },
      { to: "/sales/customers", label: "Customers", roles: ["sales"] },
      { to: "/sales/returns", label: "Returns" },
      { to: "/sales/feedback", label: "Feedback" },
    ],
  },
  {
    label: "Planning",
    roles: ["production", "purchaser", "purchase_manager"],
    items: [{ to: "/planning", label: "Planned orders", action: "planning.read" }],
  },
];

const allowed = (userRoles: readonly string[], roles?: readonly Role[]) =>
  !roles || userRoles.some((r) => EVERYONE_SEES.includes(r) || (roles as readonly string[]).includes(r));

/**
 * The navigation a user sees: sections and entries relevant to their roles (admin, planner and
 * viewer see all), and of those only the ones the API's permissions let them use.
 */
export function navFor(userRoles: readonly string[], permissions: Permissions | undefined): NavSection[] {
  const usable = (i: NavItem) => allowed(userRoles, i.roles) && (!i.action || can(permissions, i.action));
  return NAV.filter((s) => allowed(userRoles, s.roles))
    .map((s) => ({ ...s, items: s.items.filter(usable) }))
    .filter((s) => s.items.length > 0);
}
