import { useQuery } from "@tanstack/react-query";
import { listQueryOptions } from "@/lib/resource";
import type { ListParams } from "@/lib/pagination";
import type { StockMove } from "../types";

/** The append-only ledger (read-only). */
export const STOCK_MOVES = "/inventory/stock-moves/";

export const stockMovesQuery = (params?: ListParams) => listQueryOptions<StockMove>(STOCK_MOVES, params);
export const useStockMoves = (params?: ListParams, enabled = true) => useQuery({ ...stockMovesQuery(params), enabled });
