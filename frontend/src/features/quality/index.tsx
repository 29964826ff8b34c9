import type { RouteObject } from "react-router-dom";
import { InspectionsPage } from "./routes/InspectionsPage";
import { InspectLotPage } from "./routes/InspectLotPage";
import { NonConformancesPage } from "./routes/NonConformancesPage";

export const qualityRoutes: RouteObject[] = [
  { path: "quality/inspections", element: <InspectionsPage /> },
  { path: "quality/inspections/new", element: <InspectLotPage /> },
  { path: "quality/non-conformances", element: <NonConformancesPage /> },
];
