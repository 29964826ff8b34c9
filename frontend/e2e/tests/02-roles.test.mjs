import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, newPage, screenshot, signIn } from "../lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const navLinks = async (page) => page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts();

test("navigation follows the roles from /users/me/", async () => {
  const page = await newPage(browser);
  await signIn(page, "storekeeper");
  const storekeeper = await navLinks(page);
  assert.ok(storekeeper.includes("Goods receipts"));
  assert.ok(storekeeper.includes("Transfers & adjustments"));
  assert.ok(!storekeeper.includes("Suppliers"), "a storekeeper does not manage suppliers");
  await screenshot(page, "storekeeper-dashboard");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, "sales");
  const sales = await navLinks(page);
  assert.ok(sales.includes("Sales orders"));
  assert.ok(!sales.includes("Purchase orders"));
  assert.ok(!sales.includes("Work orders"));
  await page.close();
});
