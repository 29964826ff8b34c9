import type { RouteObject } from "react-router-dom";
import { inventoryRoutes } from "@/features/inventory";
import { procurementRoutes } from "@/features/procurement";
import { planningRoutes } from "@/features/planning";
import { productionRoutes } from "@/features/production";
import { qualityRoutes } from "@/features/quality";
import { salesRoutes } from "@/features/sales";
import { traceRoutes } from "@/features/trace";

export const featureRoutes: RouteObject[] = [...procurementRoutes, ...inventoryRoutes, ...productionRoutes, ...qualityRoutes, ...salesRoutes, ...traceRoutes, ...planningRoutes];
