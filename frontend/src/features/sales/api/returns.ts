import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { CustomerReturn } from "../types";

export const RETURNS = "/sales/returns/";

export const returnsQuery = (params?: ListParams) => listQueryOptions<CustomerReturn>(RETURNS, params);
export const useReturns = (params?: ListParams) => useQuery(returnsQuery(params));

export interface ReturnInput {
  shipment: number;
  location: number;
  reason: string;
  lines: { roll: number; qty?: string }[];
}

export const useCreateReturn = () =>
  useInvalidatingMutation(({ body, key }: { body: ReturnInput; key: string }) => createDocument<CustomerReturn>(RETURNS, body, key), [RETURNS], {
    silent: true,
    success: "Return received into quarantine.",
  });
