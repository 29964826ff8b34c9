import { useEffect, useState, type ReactNode } from "react";
import type { ListState } from "@/lib/use-list-state";
import type { Paginated } from "@/lib/pagination";
import { ErrorBanner } from "./ErrorBanner";

export interface Column<T> {
  key: string;
  header: string;
  /** The API's ordering field; makes the header a sort button. */
  sortKey?: string;
  render?: (row: T) => ReactNode;
  align?: "left" | "right";
}

interface DataTableProps<T> {
  label: string;
  columns: Column<T>[];
  query: { data?: Paginated<T>; isPending: boolean; isFetching?: boolean; error: unknown };
  state: ListState;
  rowKey?: (row: T) => string | number;
  /** Filter controls shown beside the search box. */
  filters?: ReactNode;
  searchPlaceholder?: string;
  searchable?: boolean;
  empty?: ReactNode;
  pageSizes?: number[];
}

function cell<T>(row: T, col: Column<T>): ReactNode {
  if (col.render) return col.render(row);
  const value = (row as Record<string, unknown>)[col.key];
  if (value === null || value === undefined || value === "") return "—";
  return String(value);
}

/** A list with server-side pagination, sorting (?ordering=), search (?search=) and filters. */
export function DataTable<T>({
  label,
  columns,
  query,
  state,
  rowKey = (row) => (row as { id: number }).id,
  filters,
  searchPlaceholder = "Search…",
  searchable = true,
  empty = "Nothing here yet.",
  pageSizes = [10, 25, 50, 100],
}: DataTableProps<T>) {
  const [searchText, setSearchText] = useState(state.search);
  useEffect(() => setSearchText(state.search), [state.search]);
  useEffect(() => {
    if (searchText === state.search) return undefined;
    const timer = setTimeout(() => state.setSearch(searchText.trim()), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchText]);

  const data = query.data;
  const pages = data ? Math.max(1, Math.ceil(data.count / state.pageSize)) : 1;
  const first = data && data.count > 0 ? (state.page - 1) * state.pageSize + 1 : 0;
  const last = data ? Math.min(data.count, state.page * state.pageSize) : 0;

  const sortState = (col: Column<T>): "ascending" | "descending" | "none" => {
    if (!col.sortKey) return "none";
    if (state.ordering === col.sortKey) return "ascending";
    if (state.ordering === `-${col.sortKey}`) return "descending";
    return "none";
  };

  return (
    <section className="data-table" aria-label={label}>
      {(searchable || filters) && (
        <div className="table-toolbar">
          {searchable && (
            <input
              type="search"
              aria-label={`Search ${label}`}
              placeholder={searchPlaceholder}
              value={searchText}
              onChange={(e) => setSearchText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") state.setSearch(searchText.trim());
              }}
            />
          )}
          {filters}
          {query.isFetching && !query.isPending ? <span className="muted">Refreshing…</span> : null}
        </div>
      )}
      {query.error ? <ErrorBanner error={query.error} /> : null}
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{label}</caption>
          <thead>
            <tr>
              {columns.map((col) => {
                const sort = sortState(col);
                return (
                  <th key={col.key} scope="col" aria-sort={col.sortKey ? sort : undefined} className={col.align === "right" ? "num" : undefined}>
                    {col.sortKey ? (
                      <button type="button" className="sort" onClick={() => state.toggleSort(col.sortKey!)}>
                        {col.header}
                        <span aria-hidden="true">{sort === "ascending" ? " ▲" : sort === "descending" ? " ▼" : " ↕"}</span>
                      </button>
                    ) : (
                      col.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {query.isPending && !data ? (
              <tr>
                <td colSpan={columns.length} className="muted">
                  Loading…
                </td>
              </tr>
            ) : data && data.results.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="muted">
                  {empty}
                </td>
              </tr>
            ) : (
              data?.results.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((col) => (
                    <td key={col.key} className={col.align === "right" ? "num" : undefined}>
                      {cell(row, col)}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={`${label} pages`}>
        <span>
          {data ? `${first}–${last} of ${data.count}` : ""}
        </span>
        <button type="button" className="secondary" disabled={state.page <= 1} onClick={() => state.setPage(state.page - 1)}>
          Previous
        </button>
        <span aria-current="page">
          Page {state.page} of {pages}
        </span>
        <button type="button" className="secondary" disabled={!data?.next} onClick={() => state.setPage(state.page + 1)}>
          Next
        </button>
        <label>
          Rows{" "}
          <select value={state.pageSize} onChange={(e) => state.setPageSize(Number(e.target.value))}>
            {pageSizes.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </nav>
    </section>
  );
}

/** A select that filters a list by one API filter. */
export function FilterSelect({
  state,
  name,
  label,
  options,
}: {
  state: ListState;
  name: string;
  label: string;
  options: { value: string; label: string }[];
}) {
  return (
    <label className="filter">
      {label}{" "}
      <select value={state.filters[name] ?? ""} onChange={(e) => state.setFilter(name, e.target.value)}>
        <option value="">all</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
