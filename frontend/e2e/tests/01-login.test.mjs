import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, newPage, screenshot, signIn, PASSWORD } from "../lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("a wrong password shows the API's message and stays on the sign-in page", async () => {
  const page = await newPage(browser);
  await page.goto("/");
  await page.waitForURL(/\/login/);
  await page.getByLabel("User name").fill("storekeeper");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  const alert = page.getByRole("alert").first();
  await alert.waitFor();
  assert.match(await alert.innerText(), /credentials|account/i);
  await screenshot(page, "login-error");
  await page.close();
});

test("empty fields are refused in the browser, before any request", async () => {
  const page = await newPage(browser);
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Enter your user name.").waitFor();
  await page.getByText("Enter your password.").waitFor();
  await page.close();
});

test("sign in, the dashboard shows KPI cards, a reload keeps the session, sign out ends it", async () => {
  const page = await newPage(browser);
  await page.goto("/login");
  await screenshot(page, "login");
  await signIn(page, "admin");
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.locator(".kpi-card").first().waitFor();
  assert.ok((await page.locator(".kpi-card").count()) >= 1);
  await screenshot(page, "dashboard");

  // The access token lived in memory only; the refresh token in sessionStorage brings it back.
  await page.reload();
  await page.getByTestId("current-user").waitFor();
  assert.match(await page.getByTestId("current-user").innerText(), /admin/);

  // Deep link after reload: the client-side route is served by Django's SPA view.
  await page.goto("/inventory/materials");
  await page.getByRole("heading", { name: "Materials" }).waitFor();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login/);
  await page.goto("/inventory/materials");
  await page.waitForURL(/\/login\?next=/);
  await page.close();
});

test("the refresh token is blacklisted by sign-out", async () => {
  const base = process.env.E2E_BASE_URL;
  const tokens = await fetch(`${base}/api/v1/auth/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "viewer", password: PASSWORD }),
  }).then((r) => r.json());
  const page = await newPage(browser);
  await signIn(page, "viewer");
  const refresh = await page.evaluate(() => JSON.parse(sessionStorage.getItem("weft.session")).state.refreshToken);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login/);
  const reuse = await fetch(`${base}/api/v1/auth/token/refresh/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh }),
  });
  assert.equal(reuse.status, 401);
  assert.ok(tokens.access);
  await page.close();
});
