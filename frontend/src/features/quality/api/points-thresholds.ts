import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { Paginated } from "@/lib/pagination";
import type { PointsThreshold } from "../types";

export const POINTS_THRESHOLDS = "/quality/points-thresholds/";

export const pointsThresholdsQuery = () =>
  queryOptions({
    queryKey: [POINTS_THRESHOLDS, "all"],
    queryFn: ({ signal }) => api.get<Paginated<PointsThreshold>>(POINTS_THRESHOLDS, { page_size: 200 }, signal).then((p) => p.results),
    staleTime: 5 * 60_000,
  });
export const usePointsThresholds = () => useQuery(pointsThresholdsQuery());
