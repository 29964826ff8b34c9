import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { Shipment } from "../types";
import { SALES_ORDERS } from "./orders";

export const SHIPMENTS = "/sales/shipments/";

export const shipmentsQuery = (params?: ListParams) => listQueryOptions<Shipment>(SHIPMENTS, params);
export const useShipments = (params?: ListParams, enabled = true) => useQuery({ ...shipmentsQuery(params), enabled });
export const useShipment = (id?: string | number) => useQuery(detailQueryOptions<Shipment>(SHIPMENTS, id));

export interface ShipmentInput {
  order: number;
  rolls?: number[];
  carrier?: string;
  vehicle?: string;
  notes?: string;
}

export const useCreateShipment = () =>
  useInvalidatingMutation(({ body, key }: { body: ShipmentInput; key: string }) => createDocument<Shipment>(SHIPMENTS, body, key), [SHIPMENTS, SALES_ORDERS, "/inventory/balances/", "/inventory/rolls/"], {
    silent: true,
    success: "Shipment posted.",
  });
