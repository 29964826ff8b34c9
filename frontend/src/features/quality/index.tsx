import type { RouteObject } from "react-router-dom";
import { lazyPage } from "@/lib/lazy-page";

export const qualityRoutes: RouteObject[] = [
  { path: "quality/inspections", lazy: lazyPage(() => import("./routes/InspectionsPage"), "InspectionsPage") },
  { path: "quality/inspections/new", lazy: lazyPage(() => import("./routes/InspectLotPage"), "InspectLotPage") },
  { path: "quality/non-conformances", lazy: lazyPage(() => import("./routes/NonConformancesPage"), "NonConformancesPage") },
  { path: "quality/shade", lazy: lazyPage(() => import("./routes/ShadePage"), "ShadePage") },
  { path: "quality/scans", lazy: lazyPage(() => import("./routes/DefectScansPage"), "DefectScansPage") },
];
