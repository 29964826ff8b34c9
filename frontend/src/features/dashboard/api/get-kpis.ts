import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";

export interface Kpi {
  name: string;
  label: string;
  value: number | string | null;
  unit?: string;
  hint?: string;
}

type RawKpi = { name?: string; label?: string; title?: string; value?: unknown; unit?: string; description?: string; formula?: string };

const labelOf = (name: string) => name.replace(/[_-]+/g, " ").replace(/^./, (c) => c.toUpperCase());

function scalar(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "yes" : "no";
  return JSON.stringify(value);
}

/**
 * GET /kpis/ answers all headline KPIs. Accept a list of {name, label, value, unit}, an object
 * keyed by name holding either plain values or such records, or `{results: [...]}`.
 */
export function normaliseKpis(body: unknown): Kpi[] {
  if (!body || typeof body !== "object") return [];
  const source = Array.isArray(body)
    ? body
    : Array.isArray((body as { results?: unknown }).results)
      ? (body as { results: unknown[] }).results
      : Array.isArray((body as { kpis?: unknown }).kpis)
        ? (body as { kpis: unknown[] }).kpis
        : null;
  if (source) {
    return source
      .filter((k): k is RawKpi => !!k && typeof k === "object")
      .map((k, i) => {
        const name = k.name ?? `kpi-${i}`;
        return { name, label: k.label ?? k.title ?? labelOf(name), value: scalar(k.value), unit: k.unit, hint: k.formula ?? k.description };
      });
  }
  const container = (body as { kpis?: unknown }).kpis && typeof (body as { kpis?: unknown }).kpis === "object" ? (body as { kpis: object }).kpis : body;
  return Object.entries(container as Record<string, unknown>)
    .filter(([name]) => name !== "from" && name !== "to")
    .map(([name, raw]) => {
    if (raw && typeof raw === "object" && !Array.isArray(raw) && "value" in raw) {
      const k = raw as RawKpi;
      return { name, label: k.label ?? k.title ?? labelOf(name), value: scalar(k.value), unit: k.unit, hint: k.description };
    }
    return { name, label: labelOf(name), value: scalar(raw) };
  });
}

export interface KpiPeriod {
  from?: string;
  to?: string;
}
export interface KpiBoard {
  from: string | null;
  to: string | null;
  kpis: Kpi[];
}

/** GET /kpis/?from=&to= → {from, to, kpis: [{name, title, unit, formula, value, …}]}. */
export const getKpis = (period: KpiPeriod = {}, signal?: AbortSignal): Promise<KpiBoard> =>
  api.get<Record<string, unknown>>("/kpis/", { from: period.from, to: period.to }, signal).then((body) => ({
    from: typeof body?.from === "string" ? body.from : null,
    to: typeof body?.to === "string" ? body.to : null,
    kpis: normaliseKpis(body),
  }));

export const kpisQueryOptions = (period: KpiPeriod = {}) =>
  queryOptions({ queryKey: ["/kpis/", period], queryFn: ({ signal }) => getKpis(period, signal), staleTime: 60_000 });

export const useKpis = (period: KpiPeriod = {}) => useQuery(kpisQueryOptions(period));
