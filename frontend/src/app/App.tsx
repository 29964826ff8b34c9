import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { createBrowserRouter, RouterProvider } from "react-router-dom";
import { ErrorBoundary } from "@/components/ErrorBoundary";
import { Toaster } from "@/components/Toaster";
import { setSessionExpiredHandler } from "@/lib/api-client";
import { notify } from "@/lib/notifications";
import { createQueryClient } from "@/lib/query-client";
import { routes } from "./routes";

export function AppProviders({ client, children }: { client: QueryClient; children: React.ReactNode }) {
  useEffect(() => {
    setSessionExpiredHandler(() => {
      client.clear();
      notify.info("Your session has ended. Sign in again.");
    });
  }, [client]);
  return (
    <ErrorBoundary>
      <QueryClientProvider client={client}>
        {children}
        <Toaster />
      </QueryClientProvider>
    </ErrorBoundary>
  );
}

export function App() {
  const [client] = useState(createQueryClient);
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <AppProviders client={client}>
      <RouterProvider router={router} fallbackElement={<p className="muted">Opening Weft…</p>} />
    </AppProviders>
  );
}
