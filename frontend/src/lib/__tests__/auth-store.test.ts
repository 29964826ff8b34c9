import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { SESSION_KEY, useAuthStore } from "@/lib/auth-store";
import { login, logout } from "@/lib/auth/session";
import { ApiError } from "@/lib/api-error";
import { API, envelope, server } from "@/test/server";

describe("auth store and session", () => {
  it("keeps the access token in memory only and the refresh token in sessionStorage", async () => {
    server.use(http.post(`${API}/auth/token/`, () => HttpResponse.json({ access: "acc", refresh: "ref" })));
    await login("storekeeper", "weft-admin");
    expect(useAuthStore.getState()).toMatchObject({ accessToken: "acc", refreshToken: "ref" });
    const stored = sessionStorage.getItem(SESSION_KEY) ?? "";
    expect(stored).toContain('"refreshToken":"ref"');
    expect(stored).not.toContain('"acc"');
    expect(localStorage.length).toBe(0);
  });

  it("a failed login raises the envelope's message and stores nothing", async () => {
    server.use(
      http.post(`${API}/auth/token/`, () =>
        HttpResponse.json(envelope("authentication_failed", "No active account found with the given credentials"), { status: 401 }),
      ),
    );
    const error = await login("x", "y").catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(/No active account/);
    expect(useAuthStore.getState().accessToken).toBeNull();
  });

  it("logout blacklists the refresh token on the server and forgets both tokens", async () => {
    useAuthStore.getState().setTokens("acc", "secret-refresh-9");
    let posted: unknown = null;
    server.use(
      http.post(`${API}/auth/logout/`, async ({ request }) => {
        posted = await request.json();
        return new HttpResponse(null, { status: 205 });
      }),
    );
    await logout();
    expect(posted).toEqual({ refresh: "secret-refresh-9" });
    expect(useAuthStore.getState()).toMatchObject({ accessToken: null, refreshToken: null });
    expect(sessionStorage.getItem(SESSION_KEY) ?? "").not.toContain("secret-refresh-9");
  });

  it("logout signs out locally even when the server refuses", async () => {
    useAuthStore.getState().setTokens("acc", "ref");
    server.use(http.post(`${API}/auth/logout/`, () => HttpResponse.json(envelope("token_not_valid", "bad"), { status: 400 })));
    await logout();
    expect(useAuthStore.getState().refreshToken).toBeNull();
  });
});
