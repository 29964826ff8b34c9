import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { listQueryOptions } from "@/lib/resource";
import type { JobWork } from "../types";

export const JOB_WORK = "/production/job-work/";
export const jobWorkQuery = (params?: ListParams) => listQueryOptions<JobWork>(JOB_WORK, params);
export const useJobWork = (params?: ListParams) => useQuery(jobWorkQuery(params));
