// The full flow through the SPA against the real backend: purchase order → approve → receive
// rolls → 4-point inspection → release → sales order → allocate → ship → trace the shipped roll
// back to its supplier lot. Each step is done by the role that does it in the mill.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiAs, launch, newPage, optionLabel as opt, screenshot, seed, signIn, signOut } from "../lib.mjs";

let browser;
let page;
const state = {};

before(async () => {
  browser = await launch();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
});

test("purchaser creates and submits a purchase order", async () => {
  await signIn(page, "purchaser");
  await page.getByRole("link", { name: "Purchase orders" }).click();
  await page.getByRole("link", { name: "New purchase order" }).click();
  await page.getByLabel("Supplier").selectOption({ label: opt(seed.supplier) });
  await page.getByLabel("Warehouse").selectOption({ label: `${seed.warehouse.code} · ${seed.warehouse.name}` });
  await page.getByLabel("Line 1 material").selectOption({ label: opt(seed.fabric) });
  await page.getByLabel("Line 1 quantity").fill("200");
  await page.getByLabel("Line 1 unit price").fill("3.5");
  await screenshot(page, "po-new");
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.waitForURL(/\/procurement\/purchase-orders\/\d+$/);
  state.poId = page.url().split("/").pop();
  await page.getByRole("button", { name: "Submit" }).click();
  await page.locator(".page-header .badge-submitted").waitFor();
  await screenshot(page, "po-submitted");
  await signOut(page);
});

test("a storekeeper sees no Approve button and the API refuses the approval", async () => {
  await signIn(page, "storekeeper");
  await page.goto(`/procurement/purchase-orders/${state.poId}`);
  await page.locator(".page-header .badge-submitted").waitFor();
  assert.equal(await page.getByRole("button", { name: "Approve" }).count(), 0);
  const call = await apiAs("storekeeper");
  const refused = await call("POST", `/procurement/purchase-orders/${state.poId}/approve/`, {}).catch((e) => e);
  assert.equal(refused.status, 403);
  assert.ok(refused.data?.error?.code, "the refusal is the error envelope");
  await signOut(page);
});

test("the purchase manager approves", async () => {
  await signIn(page, "purchase_manager");
  await page.goto(`/procurement/purchase-orders/${state.poId}`);
  await page.getByRole("button", { name: "Approve" }).click();
  await page.locator(".page-header .badge-approved").waitFor();
  await screenshot(page, "po-approved");
  await signOut(page);
});

test("the storekeeper receives two rolls into quarantine, with kg ↔ m from width and GSM", async () => {
  await signIn(page, "storekeeper");
  await page.goto(`/procurement/purchase-orders/${state.poId}`);
  await page.getByRole("link", { name: "Receive goods" }).click();
  await page.getByLabel("Line 1 supplier lot").fill(`ACME-${seed.suffix}`);
  await page.getByLabel("Line 1 dye lot").fill(`DL-${seed.suffix}`);
  await page.getByLabel("Line 1 roll 1 length m").fill("100");
  // 100 m × 1.50 m × 180 g/m² = 27 kg
  await page.getByLabel("Line 1 roll 1 conversion").filter({ hasText: "27 kg" }).waitFor();
  await page.getByRole("button", { name: "Add roll to line 1" }).click();
  await page.getByLabel("Line 1 roll 2 weight kg").fill("24.3");
  // 24.3 kg ÷ (180 g/m² × 1.50 m) = 90 m
  await page.getByLabel("Line 1 roll 2 conversion").filter({ hasText: "90 m" }).waitFor();
  await screenshot(page, "receipt-new");
  await page.getByRole("button", { name: "Post receipt" }).click();
  await page.waitForURL(/\/procurement\/receipts\/\d+$/);
  const lotLink = page.locator("section[aria-label^='Lot'] h2 a").first();
  state.lotCode = (await lotLink.innerText()).trim();
  state.lotId = (await lotLink.getAttribute("href")).split("/").pop();
  await page.getByText("quarantine").first().waitFor();
  await screenshot(page, "receipt");
  await signOut(page);
});

test("quality inspects each roll by the 4-point system and releases the lot", async () => {
  await signIn(page, "quality");
  await page.goto(`/quality/inspections/new?lot=${state.lotId}`);
  const rolls = page.locator("section[aria-label^='Roll ']");
  await rolls.first().waitFor();
  assert.equal(await rolls.count(), 2);
  // Roll 1: one 4-inch slub (2 points) and a 2-inch hole (4 points) in the same yard → capped at 4.
  await rolls.nth(0).getByRole("button", { name: /^Inspect / }).click();
  await page.getByRole("button", { name: "Add defect" }).click();
  await page.getByLabel("Defect 1 type").selectOption("slub");
  await page.getByLabel("Defect 1 length (in)").fill("4");
  await page.getByLabel("Defect 1 position (yd)").fill("10.2");
  await page.getByRole("button", { name: "Add defect" }).click();
  await page.getByLabel("Defect 2 type").selectOption("hole");
  await page.getByLabel("Defect 2 hole size (in)").fill("2");
  await page.getByLabel("Defect 2 position (yd)").fill("10.8");
  const score = page.locator("output[aria-label$='score']");
  await score.filter({ hasText: "4 points" }).waitFor();
  // 4 × 3600 / (109.36 yd × 59.06 in) = 2.23
  assert.match(await score.innerText(), /2\.23 per 100 yd²/);
  assert.match(await score.innerText(), /first/);
  await screenshot(page, "inspection-4-point");
  await page.getByRole("button", { name: /^Save inspection of / }).click();
  await rolls.nth(0).getByText(/4 points · 2\.23/).waitFor();
  // Roll 2: clean.
  await rolls.nth(1).getByRole("button", { name: /^Inspect / }).click();
  await page.getByRole("button", { name: /^Save inspection of / }).click();
  await rolls.nth(1).getByText(/0 points/).waitFor();
  await page.getByLabel("Release to").selectOption({ label: `${seed.stores.code} · stores` });
  await page.getByRole("button", { name: "Release lot" }).click();
  await page.locator(".page-header .badge-released").waitFor();
  await screenshot(page, "lot-released");
  await signOut(page);
});

test("sales enters an order, confirms it and allocates released rolls", async () => {
  await signIn(page, "sales");
  await page.goto("/sales/orders/new");
  await page.getByLabel("Customer", { exact: true }).selectOption({ label: opt(seed.customer) });
  await page.getByLabel("Customer reference").fill(`PO-BG-${seed.suffix}`);
  await page.getByLabel("Line 1 fabric").selectOption({ label: opt(seed.fabric) });
  await page.getByLabel("Line 1 metres").fill("150");
  await page.getByLabel("Line 1 price per metre").fill("8");
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.waitForURL(/\/sales\/orders\/\d+$/);
  state.soId = page.url().split("/").pop();
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.locator(".page-header .badge-confirmed").waitFor();
  await page.getByRole("button", { name: "Allocate rolls" }).click();
  await page.locator(".page-header .badge-allocated").waitFor();
  const plan = page.getByLabel("Allocation result");
  await plan.waitFor();
  assert.match(await plan.innerText(), new RegExp(state.lotCode));
  await screenshot(page, "sales-order-allocated");
  await signOut(page);
});

test("the storekeeper ships the allocated rolls", async () => {
  await signIn(page, "storekeeper");
  await page.goto(`/sales/orders/${state.soId}`);
  await page.getByLabel("Carrier").fill("Road Express");
  await page.getByRole("button", { name: /^Post shipment/ }).click();
  await page.waitForURL(/\/sales\/shipments\/\d+$/);
  const rows = page.getByRole("region", { name: "Shipped rolls" }).locator("tbody tr");
  await rows.first().waitFor();
  state.shippedRoll = (await rows.first().locator("td").nth(1).innerText()).trim();
  await screenshot(page, "shipment");
  // Trace the shipped roll upstream: back to its receipt, purchase order and supplier lot.
  await page.getByRole("link", { name: `Trace roll ${state.shippedRoll}` }).click();
  const tree = page.getByRole("region", { name: "Trace tree" });
  await tree.locator(".tree").waitFor();
  const text = await tree.innerText();
  assert.match(text, new RegExp(`supplier lot ACME-${seed.suffix}`));
  assert.match(text, new RegExp(state.lotCode));
  assert.match(text, new RegExp(`${seed.supplier.code} · ${seed.supplier.name}`));
  await screenshot(page, "trace-upstream");
  // And downstream from the lot: the customer who got it.
  await page.goto(`/trace?lot=${state.lotId}&direction=downstream`);
  await tree.locator(".tree").waitFor();
  await screenshot(page, "trace-downstream");
  await signOut(page);
});

test("main list pages render for a viewer (screenshots)", async () => {
  await signIn(page, "viewer");
  const pages = [
    ["/inventory/lots", "Lots", "lots"],
    ["/inventory/rolls", "Rolls", "rolls"],
    ["/inventory/balances", "Balances by location", "balances"],
    ["/inventory/materials", "Materials", "materials"],
    [`/inventory/lots/${state.lotId}`, `Lot ${state.lotCode}`, "lot-detail"],
    ["/procurement/purchase-orders", "Purchase orders", "purchase-orders"],
    ["/procurement/receipts", "Goods receipts", "receipts"],
    ["/quality/inspections", "Roll inspections (4-point)", "inspections"],
    ["/sales/orders", "Sales orders", "sales-orders"],
    ["/sales/shipments", "Shipments", "shipments"],
    ["/production/work-orders", "Work orders", "work-orders"],
    [`/trace?lot=${state.lotId}&direction=upstream`, "Traceability", "trace-lot"],
    ["/", "Dashboard", "dashboard-after-flow"],
  ];
  for (const [path, heading, name] of pages) {
    await page.goto(path);
    await page.getByRole("heading", { name: heading, exact: true }).waitFor();
    await page.waitForLoadState("networkidle");
    assert.equal(await page.locator(".error-page").count(), 0, `${path} rendered an error page`);
    await screenshot(page, name);
  }
});
