import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, postTransition, useInvalidatingMutation } from "@/lib/resource";
import type { PurchaseOrder } from "../types";

export const PURCHASE_ORDERS = "/procurement/purchase-orders/";

export const purchaseOrdersQuery = (params?: ListParams) => listQueryOptions<PurchaseOrder>(PURCHASE_ORDERS, params);
export const usePurchaseOrders = (params?: ListParams) => useQuery(purchaseOrdersQuery(params));
export const purchaseOrderQuery = (id?: string | number) => detailQueryOptions<PurchaseOrder>(PURCHASE_ORDERS, id);
export const usePurchaseOrder = (id?: string | number) => useQuery(purchaseOrderQuery(id));

export interface PurchaseOrderInput {
  supplier: number;
  warehouse: number;
  order_date?: string;
  expected_date?: string | null;
  currency?: string;
  notes?: string;
  lines: { material: number; qty: string; unit_price?: string; promised_date?: string }[];
}

export const createPurchaseOrder = (body: PurchaseOrderInput, key: string) =>
  createDocument<PurchaseOrder>(PURCHASE_ORDERS, body, key);

export const useCreatePurchaseOrder = () =>
  useInvalidatingMutation(
    ({ body, key }: { body: PurchaseOrderInput; key: string }) => createPurchaseOrder(body, key),
    [PURCHASE_ORDERS],
    { silent: true },
  );

export type PurchaseOrderAction = "submit" | "approve" | "cancel" | "close";

export const transitionPurchaseOrder = (order: PurchaseOrder, action: PurchaseOrderAction, note = "") =>
  postTransition<PurchaseOrder>(PURCHASE_ORDERS, order, action, { note });

export const usePurchaseOrderTransition = () =>
  useInvalidatingMutation(
    ({ order, action, note }: { order: PurchaseOrder; action: PurchaseOrderAction; note?: string }) =>
      transitionPurchaseOrder(order, action, note),
    [PURCHASE_ORDERS],
  );
