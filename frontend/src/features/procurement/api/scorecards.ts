import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { listQueryOptions } from "@/lib/resource";
import type { Scorecard } from "../types";

export const SCORECARDS = "/procurement/scorecards/";

export const scorecardsQuery = (params?: ListParams) => listQueryOptions<Scorecard>(SCORECARDS, params);
export const useScorecards = (params?: ListParams, enabled = true) => useQuery({ ...scorecardsQuery(params), enabled });
