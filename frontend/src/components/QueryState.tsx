import type { ReactNode } from "react";
import { ErrorBanner } from "./ErrorBanner";

/** Loading / error / content for one query. */
export function QueryState<T>({
  query,
  children,
}: {
  query: { isPending: boolean; error: unknown; data: T | undefined };
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorBanner error={query.error} />;
  if (query.isPending || query.data === undefined) return <Spinner />;
  return <>{children(query.data)}</>;
}

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="spinner" role="status" aria-live="polite">
      {label}
    </div>
  );
}
