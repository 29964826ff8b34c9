import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { ListParams, Paginated } from "@/lib/pagination";
import { detailQueryOptions, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { LotForInspection, RollForInspection } from "../types";

const LOTS = "/inventory/lots/";
const ROLLS = "/inventory/rolls/";

export const useInspectableLot = (id?: string) => useQuery(detailQueryOptions<LotForInspection>(LOTS, id));
export const useInspectableLots = (params: ListParams) => useQuery(listQueryOptions<LotForInspection>(LOTS, params));
export const useLotRolls = (lotId?: string) =>
  useQuery({ ...listQueryOptions<RollForInspection>(ROLLS, { lot: lotId, page_size: 200, ordering: "code" }), enabled: Boolean(lotId) });

export type Disposition = "release" | "hold" | "reject";

/** The lot's QC decision through inventory (stock and quality never disagree): release moves quarantine stock to `to_location`. */
export const postDisposition = (lot: LotForInspection, action: Disposition, body: { to_location?: number; note?: string }) =>
  api.post<LotForInspection>(`${LOTS}${lot.id}/${action}/`, body, { idempotencyKey: true, ifMatch: lot.version });

export const useLotDisposition = () =>
  useInvalidatingMutation(
    ({ lot, action, body }: { lot: LotForInspection; action: Disposition; body: { to_location?: number; note?: string } }) => postDisposition(lot, action, body),
    [LOTS, ROLLS, "/inventory/balances/", "/inventory/stock-moves/"],
  );

export type { Paginated };
