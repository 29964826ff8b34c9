import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import type { Paginated } from "./pagination";

/**
 * Master data the forms of several features pick from (materials, locations, suppliers,
 * customers, warehouses). Features do not import each other, so the pickers read these shared
 * endpoints here.
 */
export interface MaterialRef {
  id: number;
  code: string;
  name: string;
  kind: string;
  unit: string;
  gsm?: string | null;
  width_cm?: string | null;
  shade_code?: string;
}
export interface LocationRef {
  id: number;
  code: string;
  name: string;
  kind: string;
  warehouse?: number | { id: number };
}
export interface PartyRef {
  id: number;
  code: string;
  name: string;
}

export const LOOKUP_PATHS = {
  materials: "/inventory/materials/",
  locations: "/inventory/locations/",
  warehouses: "/inventory/warehouses/",
  suppliers: "/procurement/suppliers/",
  customers: "/sales/customers/",
} as const;
export type LookupName = keyof typeof LOOKUP_PATHS;

export function lookupQueryOptions<T>(name: LookupName, filters: Record<string, string> = {}) {
  const path = LOOKUP_PATHS[name];
  return queryOptions({
    queryKey: [path, "lookup", filters],
    queryFn: ({ signal }) => api.get<Paginated<T>>(path, { page_size: 200, ...filters }, signal).then((p) => p.results),
    staleTime: 5 * 60_000,
  });
}

export const useMaterials = (filters?: Record<string, string>) => useQuery(lookupQueryOptions<MaterialRef>("materials", filters));
export const useLocations = (filters?: Record<string, string>) => useQuery(lookupQueryOptions<LocationRef>("locations", filters));
export const useWarehouses = () => useQuery(lookupQueryOptions<PartyRef>("warehouses"));
export const useSuppliers = () => useQuery(lookupQueryOptions<PartyRef>("suppliers"));
export const useCustomers = () => useQuery(lookupQueryOptions<PartyRef>("customers"));

export const asOptions = (rows: { id: number; code?: string; name?: string }[] | undefined) =>
  (rows ?? []).map((r) => ({ value: r.id, label: [r.code, r.name].filter(Boolean).join(" · ") || `#${r.id}` }));

/** Lots of one material (for issuing and counting), with what is on hand. */
export interface LotRef {
  id: number;
  code: string;
  material: number;
  material_code?: string;
  unit?: string;
  dye_lot?: string;
  qc_status: string;
  on_hand?: string | null;
}
export const lotsOfQueryOptions = (filters: Record<string, string>) =>
  queryOptions({
    queryKey: ["/inventory/lots/", "lookup", filters],
    queryFn: ({ signal }) => api.get<Paginated<LotRef>>("/inventory/lots/", { page_size: 200, ordering: "code", ...filters }, signal).then((p) => p.results),
    staleTime: 30_000,
  });
export const useLotsOf = (filters: Record<string, string>, enabled = true) => useQuery({ ...lotsOfQueryOptions(filters), enabled });
export const lotOptions = (rows: LotRef[] | undefined) =>
  (rows ?? []).map((l) => ({
    value: l.id,
    label: `${l.code}${l.material_code ? ` · ${l.material_code}` : ""}${l.dye_lot ? ` · ${l.dye_lot}` : ""} (${l.qc_status}${l.on_hand != null ? `, ${Number(l.on_hand)} ${l.unit ?? ""} on hand` : ""})`,
  }));
