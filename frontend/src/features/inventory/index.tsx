import type { RouteObject } from "react-router-dom";
import { BalancesPage } from "./routes/BalancesPage";
import { LotDetailPage } from "./routes/LotDetailPage";
import { LotsPage } from "./routes/LotsPage";
import { MaterialsPage } from "./routes/MaterialsPage";
import { OperationsPage } from "./routes/OperationsPage";
import { ReorderPage } from "./routes/ReorderPage";
import { ReorderRulesPage } from "./routes/ReorderRulesPage";
import { RollsPage } from "./routes/RollsPage";
import { StockCountDetailPage, StockCountsPage } from "./routes/StockCountPages";

export const inventoryRoutes: RouteObject[] = [
  { path: "inventory/materials", element: <MaterialsPage /> },
  { path: "inventory/lots", element: <LotsPage /> },
  { path: "inventory/lots/:id", element: <LotDetailPage /> },
  { path: "inventory/rolls", element: <RollsPage /> },
  { path: "inventory/balances", element: <BalancesPage /> },
  { path: "inventory/operations", element: <OperationsPage /> },
  { path: "inventory/reorder", element: <ReorderPage /> },
  { path: "inventory/reorder-rules", element: <ReorderRulesPage /> },
  { path: "inventory/counts", element: <StockCountsPage /> },
  { path: "inventory/counts/:id", element: <StockCountDetailPage /> },
];
