import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { listQueryOptions } from "@/lib/resource";
import type { Machine } from "../types";

export const MACHINES = "/production/machines/";
/** Machines of one stage, for the work-order form (no query until the stage is known). */
export const useMachines = (params: ListParams, enabled = true) => useQuery({ ...listQueryOptions<Machine>(MACHINES, params), enabled });
