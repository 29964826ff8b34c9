import type { ReactNode } from "react";
import type { Action } from "../roles";
import { useCan } from "./me";

/** Renders its children only for roles allowed to perform the action. */
export function Can({ action, children, fallback = null }: { action: Action; children: ReactNode; fallback?: ReactNode }) {
  return useCan(action) ? <>{children}</> : <>{fallback}</>;
}
