import { http, HttpResponse, delay } from "msw";
import { describe, expect, it } from "vitest";
import { api, apiRequest } from "@/lib/api-client";
import { ApiError } from "@/lib/api-error";
import { useAuthStore } from "@/lib/auth-store";
import { API, envelope, server } from "@/test/server";

const authHeader = (request: Request) => request.headers.get("Authorization");

describe("api client", () => {
  it("sends the bearer token and parses JSON", async () => {
    useAuthStore.getState().setTokens("tok-a", "ref-a");
    server.use(http.get(`${API}/things/`, ({ request }) => HttpResponse.json({ auth: authHeader(request) })));
    await expect(api.get("/things/")).resolves.toEqual({ auth: "Bearer tok-a" });
  });

  it("turns the error envelope into an ApiError with code, message and fields", async () => {
    useAuthStore.getState().setTokens("tok-a", "ref-a");
    server.use(
      http.post(`${API}/things/`, () =>
        HttpResponse.json(envelope("validation_error", "qty: must be positive", { "lines.0.qty": ["must be positive"] }), {
          status: 400,
        }),
      ),
    );
    const error = (await api.post("/things/", { x: 1 }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "validation_error", message: "qty: must be positive" });
    expect(error.fields).toEqual({ "lines.0.qty": ["must be positive"] });
  });

  it("gives a readable error for a non-envelope failure", async () => {
    useAuthStore.getState().setTokens("tok-a", "ref-a");
    server.use(http.get(`${API}/things/`, () => new HttpResponse("<html>bad gateway</html>", { status: 502 })));
    const error = await api.get("/things/").catch((e) => e);
    expect(error).toMatchObject({ status: 502, code: "http_502" });
  });

  it("sends Idempotency-Key (uuid) and If-Match headers", async () => {
    useAuthStore.getState().setTokens("tok-a", "ref-a");
    let seen: Record<string, string | null> = {};
    server.use(
      http.patch(`${API}/things/1/`, ({ request }) => {
        seen = { ifMatch: request.headers.get("If-Match"), idem: request.headers.get("Idempotency-Key") };
        return HttpResponse.json({ id: 1, version: 4 }, { headers: { ETag: '"4"' } });
      }),
    );
    const res = await apiRequest("/things/1/", { method: "PATCH", json: { a: 1 }, ifMatch: 3, idempotencyKey: true });
    expect(seen.ifMatch).toBe('"3"');
    expect(seen.idem).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.etag).toBe('"4"');
  });

  it("makes parallel 401s wait on ONE refresh and retries each with the new token", async () => {
    useAuthStore.getState().setTokens("expired", "ref-1");
    let refreshCalls = 0;
    server.use(
      http.post(`${API}/auth/token/refresh/`, async ({ request }) => {
        refreshCalls += 1;
        const body = (await request.json()) as { refresh: string };
        expect(body.refresh).toBe("ref-1");
        await delay(30);
        return HttpResponse.json({ access: "fresh", refresh: "ref-2" });
      }),
      http.get(`${API}/items/:n/`, ({ request, params }) =>
        authHeader(request) === "Bearer fresh"
          ? HttpResponse.json({ n: Number(params.n) })
          : HttpResponse.json(envelope("token_not_valid", "Token is invalid or expired"), { status: 401 }),
      ),
    );
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => api.get<{ n: number }>(`/items/${n}/`)));
    expect(results.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(refreshCalls).toBe(1);
    expect(useAuthStore.getState()).toMatchObject({ accessToken: "fresh", refreshToken: "ref-2" });
  });

  it("a 401 arriving after another request already refreshed retries without refreshing again", async () => {
    useAuthStore.getState().setTokens("old", "ref-1");
    let refreshCalls = 0;
    server.use(
      http.post(`${API}/auth/token/refresh/`, () => {
        refreshCalls += 1;
        return HttpResponse.json({ access: "new", refresh: "ref-2" });
      }),
      http.get(`${API}/fast/`, ({ request }) =>
        authHeader(request) === "Bearer new" ? HttpResponse.json({ ok: 1 }) : HttpResponse.json(envelope("x", "expired"), { status: 401 }),
      ),
      http.get(`${API}/slow/`, async ({ request }) => {
        if (authHeader(request) === "Bearer new") return HttpResponse.json({ ok: 2 });
        await delay(60); // answers 401 after the fast one has already refreshed
        return HttpResponse.json(envelope("x", "expired"), { status: 401 });
      }),
    );
    const [a, b] = await Promise.all([api.get("/slow/"), api.get("/fast/")]);
    expect(a).toEqual({ ok: 2 });
    expect(b).toEqual({ ok: 1 });
    expect(refreshCalls).toBe(1);
  });

  it("clears the session when the refresh is refused", async () => {
    useAuthStore.getState().setTokens("expired", "revoked");
    server.use(
      http.post(`${API}/auth/token/refresh/`, () => HttpResponse.json(envelope("token_not_valid", "Token is blacklisted"), { status: 401 })),
      http.get(`${API}/things/`, () => HttpResponse.json(envelope("token_not_valid", "expired"), { status: 401 })),
    );
    const error = await api.get("/things/").catch((e) => e);
    expect(error).toMatchObject({ status: 401 });
    expect(useAuthStore.getState()).toMatchObject({ accessToken: null, refreshToken: null });
  });

  it("after a reload (refresh token only) gets an access token before the first call", async () => {
    useAuthStore.setState({ accessToken: null, refreshToken: "kept" });
    server.use(
      http.post(`${API}/auth/token/refresh/`, () => HttpResponse.json({ access: "from-refresh", refresh: "kept-2" })),
      http.get(`${API}/things/`, ({ request }) => HttpResponse.json({ auth: authHeader(request) })),
    );
    await expect(api.get("/things/")).resolves.toEqual({ auth: "Bearer from-refresh" });
  });

  it("drops empty query parameters", async () => {
    useAuthStore.getState().setTokens("t", "r");
    let url = "";
    server.use(
      http.get(`${API}/list/`, ({ request }) => {
        url = request.url;
        return HttpResponse.json({});
      }),
    );
    await api.get("/list/", { page: 2, search: "", status: undefined, ordering: "-id" });
    expect(new URL(url).search).toBe("?page=2&ordering=-id");
  });
});
