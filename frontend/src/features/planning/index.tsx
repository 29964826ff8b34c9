import type { RouteObject } from "react-router-dom";
import { lazyPage } from "@/lib/lazy-page";

export const planningRoutes: RouteObject[] = [
  { path: "planning", lazy: lazyPage(() => import("./routes/PlanningRunsPage"), "PlanningRunsPage") },
  { path: "planning/runs/:id", lazy: lazyPage(() => import("./routes/PlanningRunPage"), "PlanningRunPage") },
];
