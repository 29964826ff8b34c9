import type { RouteObject } from "react-router-dom";
import { lazyPage } from "@/lib/lazy-page";

export const procurementRoutes: RouteObject[] = [
  { path: "procurement/suppliers", lazy: lazyPage(() => import("./routes/SuppliersPage"), "SuppliersPage") },
  { path: "procurement/price-lists", lazy: lazyPage(() => import("./routes/PriceListsPage"), "PriceListsPage") },
  { path: "procurement/purchase-orders", lazy: lazyPage(() => import("./routes/PurchaseOrdersPage"), "PurchaseOrdersPage") },
  { path: "procurement/purchase-orders/new", lazy: lazyPage(() => import("./routes/PurchaseOrderNewPage"), "PurchaseOrderNewPage") },
  { path: "procurement/purchase-orders/:id", lazy: lazyPage(() => import("./routes/PurchaseOrderDetailPage"), "PurchaseOrderDetailPage") },
  { path: "procurement/receipts", lazy: lazyPage(() => import("./routes/ReceiptsPage"), "ReceiptsPage") },
  { path: "procurement/receipts/new", lazy: lazyPage(() => import("./routes/ReceiptNewPage"), "ReceiptNewPage") },
  { path: "procurement/receipts/:id", lazy: lazyPage(() => import("./routes/ReceiptDetailPage"), "ReceiptDetailPage") },
];
