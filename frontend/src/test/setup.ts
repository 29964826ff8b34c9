import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";
import { useAuthStore } from "@/lib/auth-store";
import { useNotifications } from "@/lib/notifications";
import { server } from "./server";

// findBy*/waitFor wait up to 5 s: the suite runs on a shared 2-core machine, where a refetch after
// a mutation can take longer than the 1 s default.
configure({ asyncUtilTimeout: 5000 });

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  useAuthStore.getState().clear();
  useNotifications.getState().clear();
  sessionStorage.clear();
});
afterAll(() => server.close());
