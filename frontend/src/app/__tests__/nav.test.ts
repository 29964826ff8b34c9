import { describe, expect, it } from "vitest";
import { ACTIONS, can } from "@/lib/roles";
import { permissionsFor } from "@/test/server";
import table from "@/test/permission-table.json";
import { navFor } from "../nav";

const labels = (roles: string[]) => navFor(roles, permissionsFor(...roles)).flatMap((s) => s.items.map((i) => i.label));

describe("role-aware navigation and actions", () => {
  it("shows a storekeeper receipts and stock operations, not suppliers or sales customers", () => {
    const items = labels(["storekeeper"]);
    expect(items).toEqual(expect.arrayContaining(["Goods receipts", "Transfers & adjustments", "Stock counts", "Shipments"]));
    expect(items).not.toContain("Suppliers");
    expect(items).not.toContain("Customers");
  });
  it("shows sales no purchasing or production", () => {
    const items = labels(["sales"]);
    expect(items).toContain("Sales orders");
    expect(items).not.toContain("Purchase orders");
    expect(items).not.toContain("Work orders");
  });
  it("shows planners the planned orders", () => {
    expect(labels(["planner"])).toContain("Planned orders");
    expect(labels(["sales"])).not.toContain("Planned orders");
  });
  it("shows admins and viewers everything they may open", () => {
    expect(labels(["viewer"])).toEqual(labels(["admin"]).filter((l) => l !== "Transfers & adjustments"));
  });
  it("decides actions from the permissions /users/me/ sent", () => {
    expect(can(permissionsFor("purchase_manager"), "po.approve")).toBe(true);
    expect(can(permissionsFor("purchaser"), "po.approve")).toBe(false);
    expect(can(permissionsFor("storekeeper"), "po.approve")).toBe(false);
    expect(can(permissionsFor("admin"), "po.approve")).toBe(true);
    expect(can(permissionsFor("storekeeper"), "receipt.create")).toBe(true);
    expect(can(permissionsFor("planner"), "planning.firm")).toBe(true);
    expect(can(permissionsFor("production"), "planning.firm")).toBe(false);
    expect(can({}, "po.create")).toBe(false);
    expect(can(undefined, "po.create")).toBe(false);
  });
  it("names only routes and methods the API's permission table declares", () => {
    const declared = table as Record<string, Record<string, unknown>>;
    for (const [action, [route, method]] of Object.entries(ACTIONS)) {
      expect(declared[route]?.[method], `${action} → ${route} ${method}`).toBeDefined();
    }
  });
});
