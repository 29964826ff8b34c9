import { ApiError } from "./api-error";
import { useAuthStore } from "./auth-store";
import { newIdempotencyKey } from "./ids";

export type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue | QueryValue[]>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  params?: QueryParams;
  json?: unknown;
  /** `true` sends a fresh uuid; a string sends that key (so a retried submit reuses it). */
  idempotencyKey?: string | true;
  /** The document version being edited (sent as If-Match: "<version>"), or the ETag the API sent. */
  ifMatch?: number | string;
  /** false for the token endpoints themselves. */
  auth?: boolean;
  signal?: AbortSignal;
  /** A multipart body (file uploads); the browser sets its Content-Type with the boundary. */
  formData?: FormData;
  /** "blob" for files (PDFs): the body is returned as a Blob instead of parsed JSON. */
  responseType?: "json" | "blob";
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  etag: string | null;
  filename?: string;
}

function filenameOf(response: Response): string | undefined {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const match = disposition.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  return match ? decodeURIComponent(match[1]) : undefined;
}

export const API_BASE = "/api/v1";

/** Called when the session cannot be recovered (refresh refused): the app routes to sign-in. */
let onSessionExpired: () => void = () => undefined;
export function setSessionExpiredHandler(handler: () => void) {
  onSessionExpired = handler;
}

export function buildUrl(path: string, params?: QueryParams): string {
  const url = path.startsWith("/api/") ? path : `${API_BASE}${path.startsWith("/") ? "" : "/"}${path}`;
  if (!params) return url;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined || v === null || v === "") continue;
      search.append(key, String(v));
    }
  }
  const qs = search.toString();
  return qs ? `${url}?${qs}` : url;
}

/** Same-origin absolute URL (Node's fetch, used by the unit tests, refuses relative ones). */
const absolute = (url: string) =>
  typeof window !== "undefined" && window.location ? new URL(url, window.location.href).toString() : url;

// --- refresh: every request that meets a 401 waits on the same single refresh ----------------
let refreshInFlight: Promise<string | null> | null = null;

async function performRefresh(): Promise<string | null> {
  const { refreshToken, setTokens, clear } = useAuthStore.getState();
  if (!refreshToken) return null;
  let response: Response;
  try {
    response = await fetch(absolute(buildUrl("/auth/token/refresh/")), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ refresh: refreshToken }),
    });
  } catch (cause) {
    throw ApiError.network(cause);
  }
  if (!response.ok) {
    clear();
    return null;
  }
  const body = (await response.json()) as { access: string; refresh?: string };
  setTokens(body.access, body.refresh ?? refreshToken);
  return body.access;
}

/** One refresh at a time: callers arriving while one runs get its promise. */
export function refreshAccessToken(): Promise<string | null> {
  if (!refreshInFlight) {
    refreshInFlight = performRefresh().finally(() => {
      refreshInFlight = null;
    });
  }
  return refreshInFlight;
}

async function send(path: string, options: RequestOptions, accessToken: string | null, idemKey?: string) {
  const headers: Record<string, string> = { Accept: options.responseType === "blob" ? "*/*" : "application/json" };
  if (options.json !== undefined) headers["Content-Type"] = "application/json";
  if (accessToken && options.auth !== false) headers.Authorization = `Bearer ${accessToken}`;
  if (idemKey) headers["Idempotency-Key"] = idemKey;
  if (options.ifMatch !== undefined && options.ifMatch !== null) {
    // An ETag from the API ("3" or W/"3") is sent as it came; a bare version gets quoted.
    const tag = String(options.ifMatch);
    headers["If-Match"] = tag.startsWith('"') || tag.startsWith("W/") ? tag : `"${tag}"`;
  }
  try {
    return await fetch(absolute(buildUrl(path, options.params)), {
      method: options.method ?? "GET",
      headers,
      body: options.formData ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
      signal: options.signal,
    });
  } catch (cause) {
    if ((cause as { name?: string })?.name === "AbortError") throw cause;
    throw ApiError.network(cause);
  }
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const useAuth = options.auth !== false;
  const idemKey = options.idempotencyKey === true ? newIdempotencyKey() : options.idempotencyKey || undefined;

  let token = useAuth ? useAuthStore.getState().accessToken : null;
  if (useAuth && !token && useAuthStore.getState().refreshToken) {
    // After a reload only the refresh token survives: get an access token first.
    token = await refreshAccessToken();
  }

  let response = await send(path, options, token, idemKey);
  if (response.status === 401 && useAuth) {
    const current = useAuthStore.getState().accessToken;
    // Another request may already have refreshed while this one was in flight.
    const fresh = current && current !== token ? current : await refreshAccessToken();
    if (!fresh) {
      onSessionExpired();
      throw ApiError.fromBody(401, await readBody(response));
    }
    response = await send(path, options, fresh, idemKey);
    if (response.status === 401) {
      useAuthStore.getState().clear();
      onSessionExpired();
    }
  }

  if (response.ok && options.responseType === "blob") {
    return { data: (await response.blob()) as T, status: response.status, etag: response.headers.get("ETag"), filename: filenameOf(response) };
  }
  const body = await readBody(response);
  if (!response.ok) throw ApiError.fromBody(response.status, body);
  return { data: body as T, status: response.status, etag: response.headers.get("ETag") };
}

export const api = {
  get: <T>(path: string, params?: QueryParams, signal?: AbortSignal) =>
    apiRequest<T>(path, { params, signal }).then((r) => r.data),
  post: <T>(path: string, json?: unknown, options: Omit<RequestOptions, "json" | "method"> = {}) =>
    apiRequest<T>(path, { ...options, method: "POST", json: json ?? {} }).then((r) => r.data),
  patch: <T>(path: string, json: unknown, options: Omit<RequestOptions, "json" | "method"> = {}) =>
    apiRequest<T>(path, { ...options, method: "PATCH", json }).then((r) => r.data),
  put: <T>(path: string, json: unknown, options: Omit<RequestOptions, "json" | "method"> = {}) =>
    apiRequest<T>(path, { ...options, method: "PUT", json }).then((r) => r.data),
  delete: <T>(path: string, options: Omit<RequestOptions, "method"> = {}) =>
    apiRequest<T>(path, { ...options, method: "DELETE" }).then((r) => r.data),
};

/**
 * Fetch a file (a PDF) through the client, so it carries the bearer token and survives a token
 * refresh like any call, then hand it to the browser as a download. Failures throw ApiError.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<string> {
  const response = await apiRequest<Blob>(path, { responseType: "blob" });
  const name = response.filename ?? fallbackName;
  const url = URL.createObjectURL(response.data);
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.rel = "noopener";
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return name;
}
