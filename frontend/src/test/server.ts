import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

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
