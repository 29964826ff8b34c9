import type { RouteObject } from "react-router-dom";
import { PriceListsPage } from "./routes/PriceListsPage";
import { PurchaseOrderDetailPage } from "./routes/PurchaseOrderDetailPage";
import { PurchaseOrderNewPage } from "./routes/PurchaseOrderNewPage";
import { PurchaseOrdersPage } from "./routes/PurchaseOrdersPage";
import { ReceiptDetailPage } from "./routes/ReceiptDetailPage";
import { ReceiptNewPage } from "./routes/ReceiptNewPage";
import { ReceiptsPage } from "./routes/ReceiptsPage";
import { SuppliersPage } from "./routes/SuppliersPage";

export const procurementRoutes: RouteObject[] = [
  { path: "procurement/suppliers", element: <SuppliersPage /> },
  { path: "procurement/price-lists", element: <PriceListsPage /> },
  { path: "procurement/purchase-orders", element: <PurchaseOrdersPage /> },
  { path: "procurement/purchase-orders/new", element: <PurchaseOrderNewPage /> },
  { path: "procurement/purchase-orders/:id", element: <PurchaseOrderDetailPage /> },
  { path: "procurement/receipts", element: <ReceiptsPage /> },
  { path: "procurement/receipts/new", element: <ReceiptNewPage /> },
  { path: "procurement/receipts/:id", element: <ReceiptDetailPage /> },
];
