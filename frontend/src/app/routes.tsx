import type { RouteObject } from "react-router-dom";
import { Link } from "react-router-dom";
import { RequireAuth } from "@/lib/auth/RequireAuth";
import { LoginPage } from "@/features/auth/routes/LoginPage";
import { DashboardPage } from "@/features/dashboard/routes/DashboardPage";
import { Layout } from "./Layout";
import { RouteError } from "./RouteError";
import { featureRoutes } from "./feature-routes";

function NotFound() {
  return (
    <div className="panel">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </div>
  );
}

export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage />, errorElement: <RouteError /> },
  {
    path: "/",
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [{ index: true, element: <DashboardPage /> }, ...featureRoutes, { path: "*", element: <NotFound /> }],
  },
];
