export const DEFECT_TYPES = [
  "slub",
  "thick_place",
  "thin_place",
  "broken_end",
  "missing_pick",
  "needle_line",
  "drop_stitch",
  "barre",
  "stain",
  "shade_variation",
  "crease",
  "hole",
] as const;
export type DefectType = (typeof DEFECT_TYPES)[number];

export interface RollInspection {
  id: number;
  number: string;
  roll: number;
  roll_code: string;
  lot: number;
  inspected_yards: string;
  cuttable_width_in: string;
  threshold_name: string;
  threshold: string;
  total_points: number;
  points_per_100yd2: string;
  grade: string;
  defects: { id: number; defect_type: string; length_in: string | null; hole_size_in: string | null; position_yd: string; points: number }[];
  inspector: string | null;
  notes: string;
  created_at: string;
}

export interface PointsThreshold {
  id: number;
  name: string;
  max_points_per_100yd2: string;
  description: string;
}

export interface NonConformance {
  id: number;
  number: string;
  reason: string | null;
  lot: number | null;
  lot_code: string | null;
  description: string;
  root_cause: string;
  action: string;
  status: string;
  created_at: string;
}

/** What the inspection screen needs of a lot and its rolls (read from the inventory endpoints). */
export interface LotForInspection {
  id: number;
  version: number;
  code: string;
  material_code: string;
  dye_lot: string;
  supplier_lot: string;
  qc_status: string;
  unit: string;
}
export interface RollForInspection {
  id: number;
  code: string;
  length_m: string;
  width_cm: string;
  gsm: string;
  points: number | null;
  points_per_100yd2: string | null;
  grade: string;
}
