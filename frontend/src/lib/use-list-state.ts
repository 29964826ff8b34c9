import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";
import type { ListParams } from "./pagination";

export interface ListState {
  params: ListParams;
  page: number;
  pageSize: number;
  ordering: string;
  search: string;
  filters: Record<string, string>;
  setPage: (page: number) => void;
  setPageSize: (size: number) => void;
  setOrdering: (ordering: string) => void;
  toggleSort: (field: string) => void;
  setSearch: (search: string) => void;
  setFilter: (name: string, value: string) => void;
}

const RESERVED = new Set(["page", "page_size", "ordering", "search"]);

/**
 * Page, size, ordering, search and filters of a server-side list, kept in the URL so the back
 * button, a reload and a shared link all show the same rows. `prefix` keeps two lists on one
 * page apart.
 */
export function useListState(defaults: { ordering?: string; pageSize?: number; prefix?: string } = {}): ListState {
  const [searchParams, setSearchParams] = useSearchParams();
  const prefix = defaults.prefix ? `${defaults.prefix}_` : "";
  const get = useCallback((name: string) => searchParams.get(prefix + name), [searchParams, prefix]);

  const page = Math.max(1, Number(get("page")) || 1);
  const pageSize = Number(get("page_size")) || defaults.pageSize || 25;
  const ordering = get("ordering") ?? defaults.ordering ?? "";
  const search = get("search") ?? "";
  const filters = useMemo(() => {
    const out: Record<string, string> = {};
    searchParams.forEach((value, key) => {
      if (!key.startsWith(prefix)) return;
      const name = key.slice(prefix.length);
      if (prefix === "" && name.includes("_") && /^[a-z]+_(page|page_size|ordering|search)$/.test(name)) return;
      if (!RESERVED.has(name) && value !== "") out[name] = value;
    });
    return out;
  }, [searchParams, prefix]);

  const update = useCallback(
    (changes: Record<string, string | number | null>, resetPage = true) => {
      setSearchParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null || v === "") next.delete(prefix + k);
            else next.set(prefix + k, String(v));
          }
          if (resetPage && !("page" in changes)) next.delete(prefix + "page");
          return next;
        },
        { replace: true },
      );
    },
    [setSearchParams, prefix],
  );

  const params: ListParams = useMemo(
    () => ({ page, page_size: pageSize, ordering: ordering || undefined, search: search || undefined, ...filters }),
    [page, pageSize, ordering, search, filters],
  );

  return {
    params,
    page,
    pageSize,
    ordering,
    search,
    filters,
    setPage: (p) => update({ page: p > 1 ? p : null }, false),
    setPageSize: (s) => update({ page_size: s }),
    setOrdering: (o) => update({ ordering: o }),
    toggleSort: (field) => update({ ordering: ordering === field ? `-${field}` : field }),
    setSearch: (s) => update({ search: s }),
    setFilter: (name, value) => update({ [name]: value }),
  };
}
