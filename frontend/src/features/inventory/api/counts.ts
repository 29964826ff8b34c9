import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, editableQueryOptions, listQueryOptions, postTransition, useEtagSave, useInvalidatingMutation } from "@/lib/resource";

export interface StockCountLine {
  id: number;
  lot: number;
  lot_code: string;
  roll: number | null;
  roll_code: string | null;
  location: number;
  location_code: string;
  unit: string;
  counted_qty: string;
  book_qty: string | null;
  difference: string | null;
}
export interface StockCount {
  id: number;
  code: string;
  warehouse: number;
  warehouse_code: string;
  status: string;
  note: string;
  reason: string;
  posted_at: string | null;
  posted_by: string | null;
  lines: StockCountLine[];
  version: number;
}
export interface CountLineInput {
  lot: number;
  location: number;
  counted_qty: string;
  roll?: number | null;
}

export const COUNTS = "/inventory/stock-counts/";
export const useStockCounts = (params?: ListParams) => useQuery(listQueryOptions<StockCount>(COUNTS, params));
/** Read with its ETag: entering counted quantities is an edit guarded by If-Match. */
export const useStockCountForEdit = (id?: string) => useQuery(editableQueryOptions<StockCount>(COUNTS, id));

export const useCreateStockCount = () =>
  useInvalidatingMutation(
    ({ body, key }: { body: { warehouse: number; note?: string; lines: CountLineInput[] }; key: string }) => createDocument<StockCount>(COUNTS, body, key),
    [COUNTS],
    { silent: true, success: "Count saved as a draft." },
  );
export const useSaveCountLines = () => useEtagSave<StockCount, { lines: CountLineInput[]; note?: string }>(COUNTS, { success: "Counted quantities saved." });

export const useCountTransition = () =>
  useInvalidatingMutation(
    ({ count, action, reason }: { count: StockCount; action: "post" | "cancel"; reason?: string }) =>
      postTransition<StockCount>(COUNTS, count, action, action === "post" ? { reason: reason ?? "" } : {}),
    [COUNTS, "/inventory/balances/", "/inventory/lots/", "/inventory/rolls/"],
    { silent: true },
  );
