import { useQuery } from "@tanstack/react-query";
import { listQueryOptions } from "@/lib/resource";
import type { ListParams } from "@/lib/pagination";
import type { Balance } from "../types";

export const BALANCES = "/inventory/balances/";

export const balancesQuery = (params?: ListParams) => listQueryOptions<Balance>(BALANCES, params);
export const useBalances = (params?: ListParams, enabled = true) => useQuery({ ...balancesQuery(params), enabled });
