import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { Receipt } from "../types";
import { PURCHASE_ORDERS } from "./purchase-orders";

export const RECEIPTS = "/procurement/receipts/";

export const receiptsQuery = (params?: ListParams) => listQueryOptions<Receipt>(RECEIPTS, params);
export const useReceipts = (params?: ListParams) => useQuery(receiptsQuery(params));
export const useReceipt = (id?: string | number) => useQuery(detailQueryOptions<Receipt>(RECEIPTS, id));

export interface RollInput {
  length_m: string;
  weight_kg?: string;
  width_cm?: string;
  gsm?: string;
  code?: string;
}
export interface ReceiptInput {
  purchase_order: number;
  location?: number;
  received_on?: string;
  delivery_note?: string;
  notes?: string;
  lines: { po_line: number; qty?: string; supplier_lot?: string; dye_lot?: string; rolls?: RollInput[] }[];
}

export const createReceipt = (body: ReceiptInput, key: string) => createDocument<Receipt>(RECEIPTS, body, key);

export const useCreateReceipt = () =>
  useInvalidatingMutation(({ body, key }: { body: ReceiptInput; key: string }) => createReceipt(body, key), [RECEIPTS, PURCHASE_ORDERS, "/inventory/lots/", "/inventory/rolls/", "/inventory/balances/"], {
    silent: true,
    success: "Goods received into quarantine.",
  });
