// Production through the SPA against the real backend: a supervisor keeps the BOM, creates a work
// order from it, releases it (reserving yarn FIFO), issues the reserved yarn, records the greige
// roll it made and completes it. A storekeeper may issue but sees no stage buttons of production.
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

test("production keeps a knitting BOM: greige from yarn with a loss", async () => {
  await signIn(page, "production");
  await page.getByRole("link", { name: "BOMs" }).click();
  await page.getByRole("link", { name: "New BOM" }).click();
  // Validated before anything is sent.
  await page.getByRole("button", { name: "Save BOM" }).click();
  await page.getByText("Choose the product this BOM makes.").waitFor();
  await page.getByLabel("BOM code").fill(`BOM-GRG-${seed.suffix}`);
  await page.getByLabel("Product").selectOption({ label: opt(seed.greige) });
  await page.getByLabel("Stage").selectOption("knitting");
  await page.getByLabel("Component 1 material").selectOption({ label: opt(seed.yarn) });
  // 1.50 m × 180 g/m² = 0.27 kg of yarn per metre of greige
  await page.getByLabel("Component 1 quantity per unit").fill("0.27");
  await page.getByLabel("Component 1 loss %").fill("2");
  await screenshot(page, "bom-new");
  await page.getByRole("button", { name: "Save BOM" }).click();
  await page.waitForURL(/\/production\/boms\/\d+$/);
  await page.getByRole("heading", { name: `BOM BOM-GRG-${seed.suffix}` }).waitFor();
  await page.getByRole("region", { name: "Components" }).getByText(seed.yarn.code).waitFor();
  await screenshot(page, "bom-detail");
});

test("a work order from the BOM: create → release → issue → output → complete", async () => {
  await page.getByRole("link", { name: "New work order from this BOM" }).click();
  await page.getByLabel("Planned quantity").fill("100");
  await page.getByLabel("Issue from").selectOption({ label: `${seed.stores.code} · ${seed.stores.name}` });
  await page.getByLabel("Output to").selectOption({ label: `${seed.stores.code} · ${seed.stores.name}` });
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.waitForURL(/\/production\/work-orders\/\d+$/);
  state.woId = page.url().split("/").pop();
  await page.locator(".page-header .badge-draft").waitFor();
  await screenshot(page, "work-order-draft");

  await page.getByLabel("Reservation strategy").selectOption("fifo");
  await page.getByRole("button", { name: "Release" }).click();
  await page.locator(".page-header .badge-released").waitFor();
  // 100 m × 0.27 kg/m ÷ (1 − 2 % loss) = 27.551 kg reserved from the yarn lot
  const reserved = page.getByRole("region", { name: "Reservations" });
  await reserved.getByText(seed.yarnLot).waitFor();
  assert.match(await reserved.innerText(), /27\.551/);

  await page.getByRole("button", { name: "Issue reserved material" }).click();
  await page.locator(".page-header .badge-in_progress").waitFor();
  await page.getByRole("region", { name: "Issued" }).getByText(seed.yarnLot).waitFor();
  await screenshot(page, "work-order-issued");

  // Output is checked before it is sent…
  const output = page.getByRole("form", { name: "Record output" });
  await output.getByRole("button", { name: "Record output" }).click();
  await output.getByText("Enter the roll's length in metres.").waitFor();
  // …and by the server: 120 m × 1.50 m × 180 g/m² = 32.4 kg of greige cannot come from 27.551 kg
  // of yarn, so the output is refused with the reason on the rolls.
  await output.getByLabel("Output roll 1 length m").fill("120");
  await output.getByRole("button", { name: "Record output" }).click();
  await output.locator(".field-error").filter({ hasText: /exceeds input/ }).first().waitFor();
  await screenshot(page, "work-order-output-refused");
  await output.getByLabel("Output roll 1 length m").fill("95");
  await output.getByLabel("Output roll 1 weight kg").fill("25.5");
  await output.getByRole("button", { name: "Record output" }).click();
  const produced = page.getByRole("region", { name: "Output" });
  await produced.locator("tbody tr").first().waitFor();
  assert.match(await produced.innerText(), /95/);
  await page.getByRole("button", { name: "Complete" }).click();
  await page.locator(".page-header .badge-completed").waitFor();
  await screenshot(page, "work-order-completed");
  await signOut(page);
});

test("the API agrees: the output lot traces back to the yarn lot; a storekeeper sees no production buttons", async () => {
  const call = await apiAs("production");
  const wo = await call("GET", `/production/work-orders/${state.woId}/`);
  assert.equal(wo.status, "completed");
  assert.equal(wo.outputs.length, 1);
  assert.equal(Number(wo.outputs[0].qty), 95);
  const trace = await call("GET", `/inventory/lots/${wo.outputs[0].lot}/trace/?direction=upstream`);
  assert.match(JSON.stringify(trace), new RegExp(seed.yarnLot));

  await signIn(page, "storekeeper");
  await page.goto(`/production/work-orders/${state.woId}`);
  await page.locator(".page-header .badge-completed").waitFor();
  assert.equal(await page.getByRole("button", { name: "Close" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Cancel work order" }).count(), 0);
  await signOut(page);
});
