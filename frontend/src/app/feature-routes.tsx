import type { RouteObject } from "react-router-dom";
import { inventoryRoutes } from "@/features/inventory";
import { procurementRoutes } from "@/features/procurement";

export const featureRoutes: RouteObject[] = [...procurementRoutes, ...inventoryRoutes];
