import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";

export interface ShadeStandard {
  id: number;
  shade_code: string;
  customer_code: string;
  lab_dip_ref: string;
  lab_l: string;
  lab_a: string;
  lab_b: string;
  tolerance: string;
  approved_at: string | null;
  is_active: boolean;
  version: number;
}
export interface ShadeReading {
  id: number;
  roll: number;
  roll_code: string;
  standard: number;
  shade_code: string;
  lab_l: string;
  lab_a: string;
  lab_b: string;
  delta_e: string;
  band: string;
  created_at: string;
}

export const SHADE_STANDARDS = "/quality/shade-standards/";
export const SHADE_READINGS = "/quality/shade-readings/";
export const useShadeStandards = (params?: ListParams) => useQuery(listQueryOptions<ShadeStandard>(SHADE_STANDARDS, params));
export const useShadeReadings = (params?: ListParams) => useQuery(listQueryOptions<ShadeReading>(SHADE_READINGS, params));

export const useCreateShadeStandard = () =>
  useInvalidatingMutation(({ body, key }: { body: Record<string, unknown>; key: string }) => createDocument<ShadeStandard>(SHADE_STANDARDS, body, key), [SHADE_STANDARDS], {
    silent: true,
    success: "Shade standard saved.",
  });
export const useCreateShadeReading = () =>
  useInvalidatingMutation(({ body, key }: { body: Record<string, unknown>; key: string }) => createDocument<ShadeReading>(SHADE_READINGS, body, key), [SHADE_READINGS, "/inventory/rolls/"], {
    silent: true,
  });
