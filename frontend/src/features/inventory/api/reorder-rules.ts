import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { REORDER } from "./reorder";
import { createDocument, editableQueryOptions, listQueryOptions, useEtagSave, useInvalidatingMutation } from "@/lib/resource";

export interface ReorderRule {
  id: number;
  material: number;
  material_code: string;
  unit: string;
  warehouse: number;
  warehouse_code: string;
  min_qty: string;
  max_qty: string;
  multiple: string;
  is_active: boolean;
  version: number;
}
export const REORDER_RULES = "/inventory/reorder-rules/";
export const useReorderRules = (params?: ListParams) => useQuery(listQueryOptions<ReorderRule>(REORDER_RULES, params));
export const useReorderRuleForEdit = (id?: number) => useQuery(editableQueryOptions<ReorderRule>(REORDER_RULES, id));
export const useSaveReorderRule = () =>
  useEtagSave<ReorderRule, Partial<Pick<ReorderRule, "min_qty" | "max_qty" | "multiple" | "is_active">>>(REORDER_RULES, { success: "Reorder rule saved." });

export interface ReorderRuleInput {
  material: number;
  warehouse: number;
  min_qty: string;
  max_qty: string;
  multiple: string;
  is_active: boolean;
}
/** A new rule changes what the reorder page suggests, so its suggestions are refetched too. */
export const useCreateReorderRule = () =>
  useInvalidatingMutation(({ body, key }: { body: ReorderRuleInput; key: string }) => createDocument<ReorderRule>(REORDER_RULES, body, key), [REORDER_RULES, REORDER], {
    silent: true,
    success: "Reorder rule created.",
  });
