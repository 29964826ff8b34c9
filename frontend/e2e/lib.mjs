// Helpers shared by the e2e tests: the browser, sign-in, API calls and screenshots.
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000";
export const PASSWORD = process.env.WEFT_ADMIN_PASSWORD ?? "weft-admin";
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? "test-artifacts";
export const seed = process.env.E2E_SEED ? JSON.parse(readFileSync(process.env.E2E_SEED, "utf8")) : {};

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export async function newPage(browser) {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1360, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on("pageerror", (err) => process.stderr.write(`[browser] ${err.message}\n`));
  return page;
}

export async function signIn(page, username) {
  // Start signed out whatever an earlier (possibly failed) step left behind.
  await page.goto("/login");
  const userName = page.getByLabel("User name");
  const signOut = page.getByRole("button", { name: "Sign out" });
  await userName.or(signOut).first().waitFor();
  if (await signOut.isVisible()) {
    await signOut.click();
    await page.waitForURL(/\/login/);
  }
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").waitFor();
}

export async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login/);
}

/** How the SPA's selects label a coded row (supplier, material, …). */
export const optionLabel = (row) => `${row.code} · ${row.name}`;

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A JSON API call as a user (for set-up and for checking what the UI did). */
export async function apiAs(username) {
  const res = await fetch(`${BASE_URL}/api/v1/auth/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  const { access } = await res.json();
  return async (method, path, body) => {
    const r = await fetch(`${BASE_URL}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${access}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) throw Object.assign(new Error(`${method} ${path}: ${r.status} ${text}`), { status: r.status, data });
    return data;
  };
}
