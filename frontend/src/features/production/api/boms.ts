import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { listQueryOptions } from "@/lib/resource";
import type { Bom } from "../types";

export const BOMS = "/production/boms/";
export const bomsQuery = (params?: ListParams) => listQueryOptions<Bom>(BOMS, params);
export const useBoms = (params?: ListParams) => useQuery(bomsQuery(params));
