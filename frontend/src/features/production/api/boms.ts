import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { Bom } from "../types";

export const BOMS = "/production/boms/";
export const bomsQuery = (params?: ListParams) => listQueryOptions<Bom>(BOMS, params);
export const useBoms = (params?: ListParams) => useQuery(bomsQuery(params));
export const useBom = (id?: string | number) => useQuery(detailQueryOptions<Bom>(BOMS, id));

export interface BomInput {
  code: string;
  product: number;
  stage: string;
  conversion_cost?: string;
  notes?: string;
  components: { material: number; qty_per_unit: string; basis: string; loss_pct: string }[];
}

export const useCreateBom = () =>
  useInvalidatingMutation(({ body, key }: { body: BomInput; key: string }) => createDocument<Bom>(BOMS, body, key), [BOMS], {
    silent: true,
    success: "BOM saved.",
  });
