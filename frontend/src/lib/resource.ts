import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, apiRequest } from "./api-client";
import { toQueryParams, type ListParams, type Paginated } from "./pagination";

/**
 * Building blocks for the one-file-per-endpoint modules under features/<x>/api/. Query keys start
 * with the endpoint path, so a mutation invalidates everything read from that endpoint.
 */
export function listQueryOptions<T>(path: string, params?: ListParams) {
  return queryOptions({
    queryKey: [path, "list", params ?? {}],
    queryFn: ({ signal }) => api.get<Paginated<T>>(path, toQueryParams(params), signal),
    placeholderData: keepPreviousData,
  });
}

export function detailQueryOptions<T>(path: string, id: string | number | undefined) {
  return queryOptions({
    queryKey: [path, "detail", String(id)],
    queryFn: ({ signal }) => api.get<T>(`${path}${id}/`, undefined, signal),
    enabled: id !== undefined && id !== "",
  });
}

export interface Versioned {
  id: number;
  version?: number;
}

/** POST creating a document, with an Idempotency-Key the caller keeps for retries of one form. */
export const createDocument = <T>(path: string, body: unknown, idempotencyKey: string | true = true) =>
  api.post<T>(path, body, { idempotencyKey });

/** PATCH with If-Match: a stale version gets 412 instead of overwriting someone's edit. */
export const updateDocument = <T>(path: string, doc: Versioned, body: unknown) =>
  apiRequest<T>(`${path}${doc.id}/`, { method: "PATCH", json: body, ifMatch: doc.version }).then((r) => r.data);

/** A document read for editing, with the ETag the API sent for it (its version). */
export interface Editable<T> {
  doc: T;
  etag: string | null;
}

export function editableQueryOptions<T extends Versioned>(path: string, id: string | number | undefined) {
  return queryOptions({
    queryKey: [path, "edit", String(id)],
    queryFn: ({ signal }) =>
      apiRequest<T>(`${path}${id}/`, { signal }).then((r): Editable<T> => ({ doc: r.data, etag: r.etag ?? (r.data.version !== undefined ? `"${r.data.version}"` : null) })),
    enabled: id !== undefined && id !== "",
    staleTime: 0,
  });
}

/** PATCH guarded by the ETag of the copy being edited: someone else's change in between → 412. */
export const patchWithEtag = <T>(path: string, id: number, etag: string | null, body: unknown) =>
  apiRequest<T>(`${path}${id}/`, { method: "PATCH", json: body, ifMatch: etag ?? undefined }).then((r) => r.data);

/** A workflow transition (…/{id}/approve/): idempotent and guarded by the version shown. */
export const postTransition = <T>(path: string, doc: Versioned, action: string, body: unknown = {}) =>
  api.post<T>(`${path}${doc.id}/${action}/`, body, { idempotencyKey: true, ifMatch: doc.version });

/** A mutation that refreshes every query of the given endpoints when it succeeds. */
export function useInvalidatingMutation<TVars, TData>(
  mutationFn: (vars: TVars) => Promise<TData>,
  invalidate: string[],
  options: { success?: string; silent?: boolean; onSuccess?: (data: TData, vars: TVars) => void } = {},
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    meta: { success: options.success, silent: options.silent },
    onSuccess: async (data, vars) => {
      await Promise.all(invalidate.map((path) => client.invalidateQueries({ queryKey: [path] })));
      options.onSuccess?.(data, vars);
    },
  });
}

/** A readable name for a reference that may arrive as an id, an object, or with a *_name field. */
export function refLabel(value: unknown, fallback?: unknown): string {
  if (fallback !== undefined && fallback !== null && fallback !== "") return String(fallback);
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    const code = o.code ?? o.number ?? o.username;
    const name = o.name ?? o.display_name;
    if (code && name) return `${code} · ${name}`;
    return String(code ?? name ?? o.id ?? "—");
  }
  return `#${value}`;
}

/** The id of a reference that may arrive as an id or an object. */
export function refId(value: unknown): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value === "object") return (value as { id?: number }).id;
  return Number(value);
}

/** Save an edit with the ETag it was read with; the edited list and the edit copy are refreshed. */
export function useEtagSave<T, B = unknown>(path: string, options: { success?: string } = {}) {
  return useInvalidatingMutation(
    ({ id, etag, body }: { id: number; etag: string | null; body: B }) => patchWithEtag<T>(path, id, etag, body),
    [path],
    { silent: true, success: options.success ?? "Saved." },
  );
}
