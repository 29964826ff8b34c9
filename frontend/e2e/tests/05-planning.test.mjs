// Planning through the SPA: a planner starts an MRP run (a job on the real Celery worker the
// harness started), follows its progress, opens the planned orders with their pegging and firms
// the greige work order; a viewer sees the plan but no firm buttons.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiAs, launch, newPage, screenshot, seed, signIn } from "../lib.mjs";

let browser;
let page;
const state = {};

before(async () => {
  browser = await launch();
  page = await newPage(browser);
  // Demand to plan: keep at least 300 m of greige in the warehouse (a reorder rule), with a BOM.
  const admin = await apiAs("admin");
  const boms = await admin("GET", `/production/boms/?product=${seed.greige.id}`);
  if (boms.count === 0) {
    await admin("POST", "/production/boms/", {
      code: `BOM-GRG-P-${seed.suffix}`,
      product: seed.greige.id,
      stage: "knitting",
      components: [{ material: seed.yarn.id, qty_per_unit: "0.27", loss_pct: "2" }],
    });
  }
  const planner = await apiAs("planner");
  await planner("POST", "/inventory/reorder-rules/", { material: seed.greige.id, warehouse: seed.warehouse.id, min_qty: "300", max_qty: "600", multiple: "1" });
});
after(async () => {
  await browser?.close();
});

test("a planner starts a run and follows the job to its end", async () => {
  await signIn(page, "planner");
  await page.getByRole("link", { name: "Planned orders" }).click();
  await page.getByRole("heading", { name: "Planning runs" }).waitFor();
  await page.getByLabel("Horizon (weeks)").fill("0");
  await page.getByRole("button", { name: "Start run" }).click();
  await page.getByText("Whole weeks from 1 to 104.").waitFor();
  await page.getByLabel("Horizon (weeks)").fill("6");
  await page.getByLabel("Note").fill(`e2e ${seed.suffix}`);
  await page.getByRole("button", { name: "Start run" }).click();
  await page.getByLabel("Planning progress").waitFor();
  await screenshot(page, "planning-run-started");
  const open = page.getByRole("link", { name: /^Open run #\d+$/ });
  await open.waitFor({ timeout: 180_000 });
  await open.click();
  await page.waitForURL(/\/planning\/runs\/\d+$/);
  state.runId = page.url().split("/").pop();
});

test("the run's planned work orders show pegging; firming the selected one makes a draft work order", async () => {
  const table = page.getByRole("region", { name: "Planned work orders" });
  const row = table.locator("tbody tr").filter({ hasText: seed.greige.code }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /safety stock/);
  await page.getByRole("heading", { name: "Exceptions" }).waitFor();
  await screenshot(page, "planning-run");
  // The demo warehouse has no production location: the planner says where to issue and put output.
  const stores = `${seed.stores.code} · ${seed.stores.name}`;
  await page.getByLabel("Firm source location").selectOption({ label: stores });
  await page.getByLabel("Firm output location").selectOption({ label: stores });
  await row.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Firm selected (1)" }).click();
  await page.getByText(/planned order\(s\) firmed/).waitFor();
  const link = row.getByRole("link", { name: /^WO-/ });
  await link.waitFor();
  state.wo = (await link.innerText()).trim();
  await screenshot(page, "planning-firmed");
  const call = await apiAs("planner");
  const orders = await call("GET", `/planning/planned-orders/?run=${state.runId}&firmed=true`);
  assert.ok(orders.results.some((o) => o.work_order_number === state.wo));
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login/);
});

test("a viewer reads the plan but cannot firm", async () => {
  await signIn(page, "viewer");
  await page.goto(`/planning/runs/${state.runId}`);
  await page.getByRole("region", { name: "Planned work orders" }).locator("tbody tr").first().waitFor();
  assert.equal(await page.getByRole("button", { name: /^Firm/ }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Start run" }).count(), 0);
});
