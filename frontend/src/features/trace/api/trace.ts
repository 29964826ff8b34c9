import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";

export type Direction = "upstream" | "downstream";

export interface TraceNode {
  lot: {
    id: number;
    code: string;
    origin: string;
    qc_status: string;
    supplier_lot: string;
    dye_lot: string;
    source: { type: string; id: string; ref: string };
    material: { id: number; code: string; name: string; kind: string };
  };
  roll: { id: number; code: string } | null;
  qty: string | null;
  unit: string;
  document: { type: string; id: string } | null;
  depth: number;
  repeated: boolean;
  info: Record<string, unknown>;
  children: TraceNode[];
}

export interface TraceResult {
  direction: Direction;
  truncated: boolean;
  max_depth: number;
  node_count: number;
  lot_count: number;
  root: TraceNode;
}

export interface TraceTarget {
  kind: "lot" | "roll";
  id: string;
}

/** GET /inventory/{lots|rolls}/{id}/trace/?direction=upstream|downstream */
export const getTrace = (target: TraceTarget, direction: Direction, signal?: AbortSignal) =>
  api.get<TraceResult>(`/inventory/${target.kind === "lot" ? "lots" : "rolls"}/${target.id}/trace/`, { direction }, signal);

export const traceQueryOptions = (target: TraceTarget | null, direction: Direction) =>
  queryOptions({
    queryKey: ["/inventory/trace/", target, direction],
    queryFn: ({ signal }) => getTrace(target!, direction, signal),
    enabled: target !== null,
  });

export const useTrace = (target: TraceTarget | null, direction: Direction) => useQuery(traceQueryOptions(target, direction));
