import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { DefectType, RollInspection } from "../types";

export const ROLL_INSPECTIONS = "/quality/roll-inspections/";

export const rollInspectionsQuery = (params?: ListParams) => listQueryOptions<RollInspection>(ROLL_INSPECTIONS, params);
export const useRollInspections = (params?: ListParams, enabled = true) => useQuery({ ...rollInspectionsQuery(params), enabled });

export interface RollInspectionInput {
  roll: number;
  defects: { defect_type: DefectType; length_in?: string; hole_size_in?: string; position_yd: string }[];
  threshold?: string;
  inspected_yards?: string;
  cuttable_width_in?: string;
  notes?: string;
}

export const useCreateRollInspection = () =>
  useInvalidatingMutation(
    ({ body, key }: { body: RollInspectionInput; key: string }) => createDocument<RollInspection>(ROLL_INSPECTIONS, body, key),
    [ROLL_INSPECTIONS, "/inventory/rolls/", "/inventory/lots/"],
    { silent: true },
  );
