import { api } from "@/lib/api-client";
import { useInvalidatingMutation } from "@/lib/resource";
import { BALANCES } from "./balances";
import { LOTS } from "./lots";
import { ROLLS } from "./rolls";
import { STOCK_MOVES } from "./stock-moves";

export interface OperationLine {
  lot: number;
  roll?: number | null;
  location?: number;
  from_location?: number;
  to_location?: number;
  qty: string;
}

export type OperationKind = "transfer" | "adjust" | "issue" | "reserve" | "unreserve";

/** POST /inventory/operations/{kind}/: one posting, idempotent per form submission. */
export const postOperation = (kind: OperationKind, body: unknown, idempotencyKey: string) =>
  api.post<unknown>(`/inventory/operations/${kind}/`, body, { idempotencyKey });

export const usePostOperation = () =>
  useInvalidatingMutation(
    ({ kind, body, key }: { kind: OperationKind; body: unknown; key: string }) => postOperation(kind, body, key),
    [BALANCES, STOCK_MOVES, LOTS, ROLLS],
    { success: "Posted.", silent: true },
  );
