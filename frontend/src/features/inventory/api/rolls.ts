import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { detailQueryOptions, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { ListParams } from "@/lib/pagination";
import type { Roll } from "../types";

export const ROLLS = "/inventory/rolls/";

export const rollsQuery = (params?: ListParams) => listQueryOptions<Roll>(ROLLS, params);
export const useRolls = (params?: ListParams, enabled = true) => useQuery({ ...rollsQuery(params), enabled });
export const useRoll = (id?: string | number) => useQuery(detailQueryOptions<Roll>(ROLLS, id));


/** Cut pieces off a roll (all of it: a split); the pieces become new rolls traced to it. */
export const useCutRoll = () =>
  useInvalidatingMutation(
    ({ roll, lengths }: { roll: Roll; lengths: string[] }) =>
      api.post<{ parent: Roll; pieces: Roll[] }>(`${ROLLS}${roll.id}/cut/`, { pieces: lengths.map((length_m) => ({ length_m })) }, { idempotencyKey: true }),
    [ROLLS, "/inventory/balances/"],
    { silent: true },
  );
