import type { RouteObject } from "react-router-dom";
import { DefectScansPage } from "./routes/DefectScansPage";
import { InspectionsPage } from "./routes/InspectionsPage";
import { InspectLotPage } from "./routes/InspectLotPage";
import { NonConformancesPage } from "./routes/NonConformancesPage";
import { ShadePage } from "./routes/ShadePage";

export const qualityRoutes: RouteObject[] = [
  { path: "quality/inspections", element: <InspectionsPage /> },
  { path: "quality/inspections/new", element: <InspectLotPage /> },
  { path: "quality/non-conformances", element: <NonConformancesPage /> },
  { path: "quality/shade", element: <ShadePage /> },
  { path: "quality/scans", element: <DefectScansPage /> },
];
