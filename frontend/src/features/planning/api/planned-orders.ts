import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { ListParams } from "@/lib/pagination";
import { listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { PlannedOrder, PlanningExceptionRow } from "../types";

export const PLANNED_ORDERS = "/planning/planned-orders/";
export const EXCEPTIONS = "/planning/exceptions/";

export const usePlannedOrders = (params: ListParams) => useQuery(listQueryOptions<PlannedOrder>(PLANNED_ORDERS, params));
export const usePlanningExceptions = (params: ListParams) => useQuery(listQueryOptions<PlanningExceptionRow>(EXCEPTIONS, params));

export interface FirmOptions {
  warehouse?: number;
  source_location?: number;
  output_location?: number;
}

/** Firming creates draft work orders and purchase orders: those lists are stale after. */
const FIRMED = [PLANNED_ORDERS, "/production/work-orders/", "/procurement/purchase-orders/"];

export const useFirmOne = () =>
  useInvalidatingMutation(
    ({ id, options = {} }: { id: number; options?: FirmOptions }) => api.post<PlannedOrder>(`${PLANNED_ORDERS}${id}/firm/`, options, { idempotencyKey: true }),
    FIRMED,
    { success: "Planned order firmed." },
  );

/** All or none: purchases are grouped into one PO per supplier by the API. */
export const useFirmBulk = () =>
  useInvalidatingMutation(
    ({ ids, options = {} }: { ids: number[]; options?: FirmOptions }) => api.post<PlannedOrder[]>(`${PLANNED_ORDERS}firm/`, { ids, ...options }, { idempotencyKey: true }),
    FIRMED,
  );
