import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { listQueryOptions, postTransition, useInvalidatingMutation } from "@/lib/resource";
import type { WorkOrder } from "../types";

export const WORK_ORDERS = "/production/work-orders/";
export const workOrdersQuery = (params?: ListParams) => listQueryOptions<WorkOrder>(WORK_ORDERS, params);
export const useWorkOrders = (params?: ListParams) => useQuery(workOrdersQuery(params));

export type WorkOrderAction = "release" | "complete" | "close" | "cancel";

/** Pipeline transitions without a body (issue and output, which post stock, take their own forms). */
export const useWorkOrderTransition = () =>
  useInvalidatingMutation(
    ({ order, action }: { order: WorkOrder; action: WorkOrderAction }) => postTransition<WorkOrder>(WORK_ORDERS, order, action, {}),
    [WORK_ORDERS],
    { success: "Work order updated." },
  );
