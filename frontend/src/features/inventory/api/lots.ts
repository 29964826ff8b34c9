import { useQuery } from "@tanstack/react-query";
import { detailQueryOptions, listQueryOptions } from "@/lib/resource";
import type { ListParams } from "@/lib/pagination";
import type { Lot } from "../types";

export const LOTS = "/inventory/lots/";

export const lotsQuery = (params?: ListParams) => listQueryOptions<Lot>(LOTS, params);
export const useLots = (params?: ListParams) => useQuery(lotsQuery(params));
export const lotQuery = (id?: string | number) => detailQueryOptions<Lot>(LOTS, id);
export const useLot = (id?: string | number) => useQuery(lotQuery(id));
