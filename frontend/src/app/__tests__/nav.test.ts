import { describe, expect, it } from "vitest";
import { can } from "@/lib/roles";
import { navFor } from "../nav";

const labels = (roles: string[]) => navFor(roles).flatMap((s) => s.items.map((i) => i.label));

describe("role-aware navigation and actions", () => {
  it("shows a storekeeper receipts and stock operations, not suppliers or sales customers", () => {
    const items = labels(["storekeeper"]);
    expect(items).toEqual(expect.arrayContaining(["Goods receipts", "Transfers & adjustments", "Shipments"]));
    expect(items).not.toContain("Suppliers");
    expect(items).not.toContain("Customers");
  });
  it("shows sales no purchasing or production", () => {
    const items = labels(["sales"]);
    expect(items).toContain("Sales orders");
    expect(items).not.toContain("Purchase orders");
    expect(items).not.toContain("Work orders");
  });
  it("shows admins and viewers everything", () => {
    expect(labels(["viewer"])).toEqual(labels(["admin"]));
  });
  it("mirrors the backend permission table for approvals", () => {
    expect(can(["purchase_manager"], "po.approve")).toBe(true);
    expect(can(["purchaser"], "po.approve")).toBe(false);
    expect(can(["storekeeper"], "po.approve")).toBe(false);
    expect(can(["admin"], "po.approve")).toBe(true);
    expect(can(["storekeeper"], "receipt.create")).toBe(true);
    expect(can([], "po.create")).toBe(false);
  });
});
