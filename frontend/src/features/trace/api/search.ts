import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { Paginated } from "@/lib/pagination";

export interface TraceCandidate {
  kind: "lot" | "roll";
  id: number;
  code: string;
  detail: string;
}

interface LotRow {
  id: number;
  code: string;
  material_code: string;
  dye_lot: string;
  supplier_lot: string;
}
interface RollRow {
  id: number;
  code: string;
  lot_code: string;
  material_code: string;
}

/** Rolls and lots whose code (or dye / supplier lot) matches what was typed or scanned. */
export async function searchTraceable(text: string, signal?: AbortSignal): Promise<TraceCandidate[]> {
  const [rolls, lots] = await Promise.all([
    api.get<Paginated<RollRow>>("/inventory/rolls/", { search: text, page_size: 10 }, signal),
    api.get<Paginated<LotRow>>("/inventory/lots/", { search: text, page_size: 10 }, signal),
  ]);
  return [
    ...rolls.results.map((r) => ({ kind: "roll" as const, id: r.id, code: r.code, detail: `roll of lot ${r.lot_code} · ${r.material_code}` })),
    ...lots.results.map((l) => ({
      kind: "lot" as const,
      id: l.id,
      code: l.code,
      detail: `lot · ${l.material_code}${l.dye_lot ? ` · dye lot ${l.dye_lot}` : ""}${l.supplier_lot ? ` · supplier lot ${l.supplier_lot}` : ""}`,
    })),
  ];
}

export const traceSearchQueryOptions = (text: string) =>
  queryOptions({ queryKey: ["/inventory/trace-search/", text], queryFn: ({ signal }) => searchTraceable(text, signal), enabled: text.length > 0 });

export const useTraceSearch = (text: string) => useQuery(traceSearchQueryOptions(text));
