import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { NonConformance } from "../types";

export const NON_CONFORMANCES = "/quality/non-conformances/";

export const nonConformancesQuery = (params?: ListParams) => listQueryOptions<NonConformance>(NON_CONFORMANCES, params);
export const useNonConformances = (params?: ListParams) => useQuery(nonConformancesQuery(params));

export interface NonConformanceInput {
  lot?: number | null;
  description: string;
  root_cause?: string;
  action?: string;
}

export const useCreateNonConformance = () =>
  useInvalidatingMutation(({ body, key }: { body: NonConformanceInput; key: string }) => createDocument<NonConformance>(NON_CONFORMANCES, body, key), [NON_CONFORMANCES], {
    silent: true,
    success: "Non-conformance recorded.",
  });
