import type { RouteObject } from "react-router-dom";
import { lazyPage } from "@/lib/lazy-page";

export const traceRoutes: RouteObject[] = [{ path: "trace", lazy: lazyPage(() => import("./routes/TracePage"), "TracePage") }];
