import type { RouteObject } from "react-router-dom";
import { CustomersPage } from "./routes/CustomersPage";
import { FeedbackPage } from "./routes/FeedbackPage";
import { ReturnNewPage } from "./routes/ReturnNewPage";
import { ReturnsPage } from "./routes/ReturnsPage";
import { SalesOrderDetailPage } from "./routes/SalesOrderDetailPage";
import { SalesOrderNewPage } from "./routes/SalesOrderNewPage";
import { SalesOrdersPage } from "./routes/SalesOrdersPage";
import { ShipmentDetailPage, ShipmentsPage } from "./routes/ShipmentsPage";

export const salesRoutes: RouteObject[] = [
  { path: "sales/customers", element: <CustomersPage /> },
  { path: "sales/orders", element: <SalesOrdersPage /> },
  { path: "sales/orders/new", element: <SalesOrderNewPage /> },
  { path: "sales/orders/:id", element: <SalesOrderDetailPage /> },
  { path: "sales/shipments", element: <ShipmentsPage /> },
  { path: "sales/shipments/:id", element: <ShipmentDetailPage /> },
  { path: "sales/returns", element: <ReturnsPage /> },
  { path: "sales/returns/new", element: <ReturnNewPage /> },
  { path: "sales/feedback", element: <FeedbackPage /> },
];
