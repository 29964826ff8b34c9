import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { PriceList } from "../types";

export const PRICE_LISTS = "/procurement/price-lists/";

export const priceListsQuery = (params?: ListParams) => listQueryOptions<PriceList>(PRICE_LISTS, params);
export const usePriceLists = (params?: ListParams, enabled = true) => useQuery({ ...priceListsQuery(params), enabled });

export interface PriceListInput {
  supplier: number;
  material: number;
  price: string;
  currency?: string;
  min_order_qty?: string;
  lead_time_days?: number;
  valid_from: string;
  valid_to?: string | null;
}

export const useCreatePriceList = () =>
  useInvalidatingMutation(
    ({ body, key }: { body: PriceListInput; key: string }) => createDocument<PriceList>(PRICE_LISTS, body, key),
    [PRICE_LISTS],
    { success: "Price saved.", silent: true },
  );
