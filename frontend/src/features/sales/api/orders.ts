import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, postTransition, useInvalidatingMutation } from "@/lib/resource";
import type { SalesOrder } from "../types";

export const SALES_ORDERS = "/sales/orders/";

export const salesOrdersQuery = (params?: ListParams) => listQueryOptions<SalesOrder>(SALES_ORDERS, params);
export const useSalesOrders = (params?: ListParams) => useQuery(salesOrdersQuery(params));
export const useSalesOrder = (id?: string | number) => useQuery(detailQueryOptions<SalesOrder>(SALES_ORDERS, id));

export interface SalesOrderInput {
  customer: number;
  order_date?: string;
  customer_ref?: string;
  notes?: string;
  lines: { material: number; qty: string; unit_price: string; requested_date: string }[];
}

export const useCreateSalesOrder = () =>
  useInvalidatingMutation(({ body, key }: { body: SalesOrderInput; key: string }) => createDocument<SalesOrder>(SALES_ORDERS, body, key), [SALES_ORDERS], {
    silent: true,
  });

export type SalesOrderAction = "confirm" | "allocate" | "cancel" | "close";

/** confirm / allocate / cancel / close; allocate answers the order plus the allocation plan and warnings. */
export const transitionSalesOrder = (order: SalesOrder, action: SalesOrderAction, reason = "") =>
  postTransition<SalesOrder>(SALES_ORDERS, order, action, action === "cancel" || action === "close" ? { reason } : {});

export const useSalesOrderTransition = () =>
  useInvalidatingMutation(
    ({ order, action, reason }: { order: SalesOrder; action: SalesOrderAction; reason?: string }) => transitionSalesOrder(order, action, reason),
    [SALES_ORDERS, "/inventory/balances/", "/inventory/rolls/"],
  );
