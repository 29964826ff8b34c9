import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api } from "@/lib/api-client";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import { TERMINAL, type Job, type PlanningRun } from "../types";

export const RUNS = "/planning/runs/";
export const JOBS = "/ml/jobs/";

export const useRuns = (params?: ListParams) => useQuery(listQueryOptions<PlanningRun>(RUNS, params));
export const useRun = (id?: string | number) => useQuery(detailQueryOptions<PlanningRun>(RUNS, id));

export interface RunInput {
  horizon_weeks: number;
  lot_sizing: "auto" | "lot_for_lot";
  warehouse?: number | null;
  run_date?: string;
  note?: string;
}

/** POST answers 202: the run is a job on a worker; poll it with useJobProgress. */
export const useStartRun = () =>
  useInvalidatingMutation(({ body, key }: { body: RunInput; key: string }) => createDocument<PlanningRun>(RUNS, body, key), [RUNS], {
    silent: true,
  });

/**
 * A job's progress from the jobs API, polled every `intervalMs` until it ends; then the runs
 * (and what they produced) are refreshed once.
 */
export function useJobProgress(jobId: number | null | undefined, intervalMs = 1000) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: [JOBS, "detail", String(jobId)],
    queryFn: ({ signal }) => api.get<Job>(`${JOBS}${jobId}/`, undefined, signal),
    enabled: Boolean(jobId),
    refetchInterval: (q) => (q.state.data && TERMINAL.includes(q.state.data.status) ? false : intervalMs),
  });
  const done = query.data && TERMINAL.includes(query.data.status);
  useEffect(() => {
    if (done) {
      void client.invalidateQueries({ queryKey: [RUNS] });
      void client.invalidateQueries({ queryKey: ["/planning/planned-orders/"] });
      void client.invalidateQueries({ queryKey: ["/planning/exceptions/"] });
    }
  }, [done, client]);
  return query;
}
