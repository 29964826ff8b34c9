import type { RouteObject } from "react-router-dom";
import { BomsPage, JobWorkPage, WorkOrdersPage } from "./routes/ProductionPages";

export const productionRoutes: RouteObject[] = [
  { path: "production/work-orders", element: <WorkOrdersPage /> },
  { path: "production/boms", element: <BomsPage /> },
  { path: "production/job-work", element: <JobWorkPage /> },
];
