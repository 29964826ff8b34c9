import { useQuery } from "@tanstack/react-query";
import { listQueryOptions } from "@/lib/resource";
import type { ListParams } from "@/lib/pagination";

export interface ReorderSuggestion {
  id?: number;
  material: number | { id: number; code: string; name: string };
  material_code?: string;
  material_name?: string;
  warehouse?: number | { id: number; code: string };
  warehouse_code?: string;
  on_hand?: string;
  on_order?: string;
  reserved?: string;
  projected?: string;
  min_qty?: string;
  max_qty?: string;
  suggested_qty?: string;
  unit?: string;
}

export const REORDER = "/inventory/reorder-suggestions/";

export const reorderQuery = (params?: ListParams) => listQueryOptions<ReorderSuggestion>(REORDER, params);
export const useReorderSuggestions = (params?: ListParams) => useQuery(reorderQuery(params));
