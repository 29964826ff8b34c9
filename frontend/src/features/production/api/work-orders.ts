import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, postTransition, useInvalidatingMutation } from "@/lib/resource";
import type { WorkOrder, WorkOrderDetail } from "../types";

export const WORK_ORDERS = "/production/work-orders/";
export const workOrdersQuery = (params?: ListParams) => listQueryOptions<WorkOrder>(WORK_ORDERS, params);
export const useWorkOrders = (params?: ListParams) => useQuery(workOrdersQuery(params));
export const useWorkOrder = (id?: string | number) => useQuery(detailQueryOptions<WorkOrderDetail>(WORK_ORDERS, id));

/** Stock moves when a work order issues or produces: balances, lots and rolls are stale after. */
const STOCK = ["/inventory/balances/", "/inventory/lots/", "/inventory/rolls/"];

export interface WorkOrderInput {
  bom: number;
  planned_qty: string;
  source_location: number;
  output_location: number;
  machine?: number | null;
  dye_lot?: string;
  due_date?: string | null;
  notes?: string;
}

export const useCreateWorkOrder = () =>
  useInvalidatingMutation(({ body, key }: { body: WorkOrderInput; key: string }) => createDocument<WorkOrderDetail>(WORK_ORDERS, body, key), [WORK_ORDERS], {
    silent: true,
    success: "Work order created.",
  });

export type WorkOrderAction = "release" | "issue" | "output" | "complete" | "close" | "cancel";
export interface StockLineInput {
  lot: number;
  location: number;
  qty: string;
  roll?: number | null;
}
export interface OutputInput {
  rolls?: { length_m: string; weight_kg?: string }[];
  qty?: string;
  dye_lot?: string;
}

/** One stage action on a work order (with Idempotency-Key and If-Match of the version shown). */
export const useWorkOrderAction = (options: { silent?: boolean; success?: string } = {}) =>
  useInvalidatingMutation(
    ({ order, action, body = {} }: { order: WorkOrder; action: WorkOrderAction; body?: object }) => postTransition<WorkOrderDetail>(WORK_ORDERS, order, action, body),
    [WORK_ORDERS, ...STOCK],
    // The success message rides on the mutation itself: the form that started it may be replaced
    // when the refreshed work order arrives.
    { silent: options.silent, success: options.success },
  );
