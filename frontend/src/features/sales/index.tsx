import type { RouteObject } from "react-router-dom";
import { lazyPage } from "@/lib/lazy-page";

export const salesRoutes: RouteObject[] = [
  { path: "sales/customers", lazy: lazyPage(() => import("./routes/CustomersPage"), "CustomersPage") },
  { path: "sales/orders", lazy: lazyPage(() => import("./routes/SalesOrdersPage"), "SalesOrdersPage") },
  { path: "sales/orders/new", lazy: lazyPage(() => import("./routes/SalesOrderNewPage"), "SalesOrderNewPage") },
  { path: "sales/orders/:id", lazy: lazyPage(() => import("./routes/SalesOrderDetailPage"), "SalesOrderDetailPage") },
  { path: "sales/shipments", lazy: lazyPage(() => import("./routes/ShipmentsPage"), "ShipmentsPage") },
  { path: "sales/shipments/:id", lazy: lazyPage(() => import("./routes/ShipmentsPage"), "ShipmentDetailPage") },
  { path: "sales/returns", lazy: lazyPage(() => import("./routes/ReturnsPage"), "ReturnsPage") },
  { path: "sales/returns/new", lazy: lazyPage(() => import("./routes/ReturnNewPage"), "ReturnNewPage") },
  { path: "sales/feedback", lazy: lazyPage(() => import("./routes/FeedbackPage"), "FeedbackPage") },
];
