// Edits carry If-Match with the ETag they were read with: when someone else saves in between, the
// SPA shows the 412 as "changed by someone else" with a reload, never overwriting their change.
// Then screenshots of the pages added for production, inventory, quality, sales and planning.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiAs, launch, newPage, screenshot, seed, signIn } from "../lib.mjs";

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
});

test("a stale supplier edit gets 412, says so, and Reload shows the other change", async () => {
  await signIn(page, "purchaser");
  await page.goto(`/procurement/suppliers?search=${seed.supplier.code}`);
  await page.getByRole("button", { name: `Edit supplier ${seed.supplier.code}` }).click();
  const form = page.getByRole("form", { name: `Edit supplier ${seed.supplier.code}` });
  await form.getByLabel("Name").waitFor();
  // Meanwhile the purchase manager renames the supplier.
  const manager = await apiAs("purchase_manager");
  await manager("PATCH", `/procurement/suppliers/${seed.supplier.id}/`, { name: "Acme Knits Ltd" });
  await form.getByLabel("Payment terms").fill("45 days");
  await form.getByRole("button", { name: "Save changes" }).click();
  await form.getByText(/Changed by someone else since you opened it/).waitFor();
  await screenshot(page, "edit-412");
  const unchanged = await manager("GET", `/procurement/suppliers/${seed.supplier.id}/`);
  assert.equal(unchanged.payment_terms, "30 days", "the stale edit wrote nothing");
  await form.getByRole("button", { name: "Reload" }).click();
  await page.waitForFunction(() => document.querySelector("form[aria-label^='Edit supplier'] input")?.value === "Acme Knits Ltd");
  await form.getByLabel("Payment terms").fill("45 days");
  await form.getByRole("button", { name: "Save changes" }).click();
  await form.waitFor({ state: "detached" });
  const saved = await manager("GET", `/procurement/suppliers/${seed.supplier.id}/`);
  assert.equal(saved.name, "Acme Knits Ltd");
  assert.equal(saved.payment_terms, "45 days");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login/);
});

test("new pages render for a viewer (screenshots)", async () => {
  await signIn(page, "viewer");
  const pages = [
    ["/production/boms", "Bills of materials", "boms"],
    ["/production/job-work", "Job work", "job-work"],
    ["/inventory/counts", "Stock counts", "stock-counts"],
    ["/inventory/reorder-rules", "Reorder rules", "reorder-rules"],
    ["/quality/shade", "Shade", "shade"],
    ["/quality/scans", "Defect scans", "defect-scans"],
    ["/sales/returns", "Customer returns", "returns"],
    ["/planning", "Planning runs", "planning-runs"],
  ];
  for (const [path, heading, name] of pages) {
    await page.goto(path);
    await page.getByRole("heading", { name: heading, exact: true }).waitFor();
    await page.waitForLoadState("networkidle");
    assert.equal(await page.locator(".error-page").count(), 0, `${path} rendered an error page`);
    assert.equal(await page.locator(".banner-error").count(), 0, `${path} shows an error`);
    await screenshot(page, name);
  }
});
