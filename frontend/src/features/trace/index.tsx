import type { RouteObject } from "react-router-dom";
import { TracePage } from "./routes/TracePage";

export const traceRoutes: RouteObject[] = [{ path: "trace", element: <TracePage /> }];
