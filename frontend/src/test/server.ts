import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import table from "./permission-table.json";

type Rule = "ANYONE" | "AUTHENTICATED" | string[];

/**
 * What GET /users/me/ answers for these roles, computed as the API does from its permission table
 * (permission-table.json is a copy that a backend test keeps identical to config/permissions.py).
 */
export function permissionsFor(...roles: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [route, methods] of Object.entries(table as Record<string, Record<string, Rule>>)) {
    const allowed = Object.entries(methods)
      .filter(([, rule]) => rule === "ANYONE" || rule === "AUTHENTICATED" || roles.includes("admin") || rule.some((r) => roles.includes(r)))
      .map(([method]) => method)
      .sort();
    if (allowed.length) out[route] = allowed;
  }
  return out;
}

export const API = "http://localhost/api/v1";

export const envelope = (code: string, message: string, fields: Record<string, string[]> = {}) => ({
  error: { code, message, fields },
});

export const userWithRoles = (...roles: string[]) => ({
  id: 1,
  username: roles[0] ?? "nobody",
  email: "",
  display_name: "",
  first_name: "",
  last_name: "",
  is_active: true,
  roles,
  permissions: permissionsFor(...roles),
  last_login: null,
});

export const page = <T>(results: T[], count = results.length, next: string | null = null) => ({
  count,
  next,
  previous: null,
  results,
});

export const server = setupServer(
  http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("admin"))),
);
