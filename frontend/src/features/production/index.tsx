import type { RouteObject } from "react-router-dom";
import { BomDetailPage, BomNewPage } from "./routes/BomPages";
import { JobWorkDetailPage, JobWorkNewPage } from "./routes/JobWorkPages";
import { BomsPage, JobWorkPage, WorkOrdersPage } from "./routes/ProductionPages";
import { WorkOrderDetailPage, WorkOrderNewPage } from "./routes/WorkOrderPages";

export const productionRoutes: RouteObject[] = [
  { path: "production/work-orders", element: <WorkOrdersPage /> },
  { path: "production/work-orders/new", element: <WorkOrderNewPage /> },
  { path: "production/work-orders/:id", element: <WorkOrderDetailPage /> },
  { path: "production/boms", element: <BomsPage /> },
  { path: "production/boms/new", element: <BomNewPage /> },
  { path: "production/boms/:id", element: <BomDetailPage /> },
  { path: "production/job-work", element: <JobWorkPage /> },
  { path: "production/job-work/new", element: <JobWorkNewPage /> },
  { path: "production/job-work/:id", element: <JobWorkDetailPage /> },
];
