import type { QueryParams } from "./api-client";

/** DRF page-number pagination as the Weft API returns it. */
export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface ListParams {
  page?: number;
  page_size?: number;
  ordering?: string;
  search?: string;
  [filter: string]: string | number | boolean | undefined | null;
}

export function toQueryParams(params: ListParams | undefined): QueryParams {
  return { ...(params ?? {}) };
}
