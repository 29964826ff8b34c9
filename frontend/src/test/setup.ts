import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";
import { useAuthStore } from "@/lib/auth-store";
import { useNotifications } from "@/lib/notifications";
import { server } from "./server";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  useAuthStore.getState().clear();
  useNotifications.getState().clear();
  sessionStorage.clear();
});
afterAll(() => server.close());
