import type { RouteObject } from "react-router-dom";
import { PlanningRunPage } from "./routes/PlanningRunPage";
import { PlanningRunsPage } from "./routes/PlanningRunsPage";

export const planningRoutes: RouteObject[] = [
  { path: "planning", element: <PlanningRunsPage /> },
  { path: "planning/runs/:id", element: <PlanningRunPage /> },
];
