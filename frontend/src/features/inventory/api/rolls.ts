import { useQuery } from "@tanstack/react-query";
import { detailQueryOptions, listQueryOptions } from "@/lib/resource";
import type { ListParams } from "@/lib/pagination";
import type { Roll } from "../types";

export const ROLLS = "/inventory/rolls/";

export const rollsQuery = (params?: ListParams) => listQueryOptions<Roll>(ROLLS, params);
export const useRolls = (params?: ListParams, enabled = true) => useQuery({ ...rollsQuery(params), enabled });
export const useRoll = (id?: string | number) => useQuery(detailQueryOptions<Roll>(ROLLS, id));
