import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, postTransition, useInvalidatingMutation } from "@/lib/resource";
import type { JobWork, JobWorkDetail } from "../types";

export const JOB_WORK = "/production/job-work/";
export const jobWorkQuery = (params?: ListParams) => listQueryOptions<JobWork>(JOB_WORK, params);
export const useJobWork = (params?: ListParams) => useQuery(jobWorkQuery(params));
export const useJobWorkDetail = (id?: string | number) => useQuery(detailQueryOptions<JobWorkDetail>(JOB_WORK, id));

export interface JobWorkInput {
  partner_location: number;
  output_material: number;
  stage: string;
  fee_per_kg: string;
  notes?: string;
}

export const useCreateJobWork = () =>
  useInvalidatingMutation(({ body, key }: { body: JobWorkInput; key: string }) => createDocument<JobWorkDetail>(JOB_WORK, body, key), [JOB_WORK], {
    silent: true,
    success: "Job work created.",
  });

export type JobWorkAction = "issue" | "receive" | "return" | "reconcile" | "cancel";

export const useJobWorkAction = (options: { silent?: boolean } = {}) =>
  useInvalidatingMutation(
    ({ job, action, body = {} }: { job: JobWork; action: JobWorkAction; body?: object }) => postTransition<JobWorkDetail>(JOB_WORK, job, action, body),
    [JOB_WORK, "/inventory/balances/", "/inventory/lots/", "/inventory/rolls/"],
    { silent: options.silent },
  );
