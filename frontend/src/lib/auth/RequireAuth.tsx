import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { useAuthStore } from "../auth-store";
import { useMe } from "./me";
import { ErrorBanner } from "@/components/ErrorBanner";
import { Spinner } from "@/components/QueryState";

/** Signed-out users go to /login (and come back afterwards); the user is loaded before the app. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const signedIn = useAuthStore((s) => Boolean(s.accessToken || s.refreshToken));
  const location = useLocation();
  const me = useMe();
  if (!signedIn) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`} replace />;
  }
  if (me.error) return <ErrorBanner error={me.error} />;
  if (!me.data) return <Spinner label="Signing in…" />;
  return <>{children}</>;
}
