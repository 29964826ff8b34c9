import type { RouteObject } from "react-router-dom";
import { lazyPage } from "@/lib/lazy-page";

export const inventoryRoutes: RouteObject[] = [
  { path: "inventory/materials", lazy: lazyPage(() => import("./routes/MaterialsPage"), "MaterialsPage") },
  { path: "inventory/lots", lazy: lazyPage(() => import("./routes/LotsPage"), "LotsPage") },
  { path: "inventory/lots/:id", lazy: lazyPage(() => import("./routes/LotDetailPage"), "LotDetailPage") },
  { path: "inventory/rolls", lazy: lazyPage(() => import("./routes/RollsPage"), "RollsPage") },
  { path: "inventory/balances", lazy: lazyPage(() => import("./routes/BalancesPage"), "BalancesPage") },
  { path: "inventory/operations", lazy: lazyPage(() => import("./routes/OperationsPage"), "OperationsPage") },
  { path: "inventory/reorder", lazy: lazyPage(() => import("./routes/ReorderPage"), "ReorderPage") },
  { path: "inventory/reorder-rules", lazy: lazyPage(() => import("./routes/ReorderRulesPage"), "ReorderRulesPage") },
  { path: "inventory/counts", lazy: lazyPage(() => import("./routes/StockCountPages"), "StockCountsPage") },
  { path: "inventory/counts/:id", lazy: lazyPage(() => import("./routes/StockCountPages"), "StockCountDetailPage") },
];
