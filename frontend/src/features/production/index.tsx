import type { RouteObject } from "react-router-dom";
import { lazyPage } from "@/lib/lazy-page";

export const productionRoutes: RouteObject[] = [
  { path: "production/work-orders", lazy: lazyPage(() => import("./routes/ProductionPages"), "WorkOrdersPage") },
  { path: "production/work-orders/new", lazy: lazyPage(() => import("./routes/WorkOrderPages"), "WorkOrderNewPage") },
  { path: "production/work-orders/:id", lazy: lazyPage(() => import("./routes/WorkOrderPages"), "WorkOrderDetailPage") },
  { path: "production/boms", lazy: lazyPage(() => import("./routes/ProductionPages"), "BomsPage") },
  { path: "production/boms/new", lazy: lazyPage(() => import("./routes/BomPages"), "BomNewPage") },
  { path: "production/boms/:id", lazy: lazyPage(() => import("./routes/BomPages"), "BomDetailPage") },
  { path: "production/job-work", lazy: lazyPage(() => import("./routes/ProductionPages"), "JobWorkPage") },
  { path: "production/job-work/new", lazy: lazyPage(() => import("./routes/JobWorkPages"), "JobWorkNewPage") },
  { path: "production/job-work/:id", lazy: lazyPage(() => import("./routes/JobWorkPages"), "JobWorkDetailPage") },
];
