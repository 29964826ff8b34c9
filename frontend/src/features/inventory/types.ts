export interface Material {
  id: number;
  version?: number;
  code: string;
  name: string;
  kind: string;
  unit: string;
  article?: string;
  gsm?: string | null;
  width_cm?: string | null;
  shade_code?: string;
  construction?: string;
  standard_cost?: string;
  is_active?: boolean;
}

export interface Lot {
  id: number;
  version?: number;
  code: string;
  material: number | { id: number; code: string; name: string };
  material_code?: string;
  material_name?: string;
  origin?: string;
  supplier_lot?: string;
  dye_lot?: string;
  qc_status: string;
  received_at?: string | null;
  produced_at?: string | null;
  source?: { type: string; id: string; ref: string };
  notes?: string;
  on_hand?: string | null;
  reserved?: string | null;
  unit?: string;
}

export interface Roll {
  id: number;
  version?: number;
  code: string;
  lot: number | { id: number; code: string };
  lot_code?: string;
  qc_status?: string;
  length_m: string;
  weight_kg: string;
  width_cm: string;
  gsm: string;
  points?: number | null;
  points_per_100yd2?: string | null;
  grade?: string;
  delta_e?: string | null;
  shade_band?: string;
  material?: number;
  material_code?: string;
  dye_lot?: string;
  parent_code?: string | null;
  kg_per_m?: string;
  on_hand_m?: string | null;
  on_hand_kg?: string | null;
  reserved_m?: string | null;
  location?: number | null;
  location_code?: string | null;
}

export interface Balance {
  id: number;
  material: number | { id: number; code: string };
  material_code?: string;
  lot: number | { id: number; code: string };
  lot_code?: string;
  roll?: number | { id: number; code: string } | null;
  roll_code?: string | null;
  location: number | { id: number; code: string };
  location_code?: string;
  on_hand: string;
  reserved: string;
  available?: string;
  value?: string;
  unit?: string;
  qc_status?: string;
  location_kind?: string;
  weight_kg?: string | null;
}

export interface StockMove {
  id: number;
  created_at: string;
  reason: string;
  qty: string;
  unit_cost?: string;
  value?: string;
  location: number | { id: number; code: string };
  location_code?: string;
  roll?: number | null;
  roll_code?: string | null;
  lot_code?: string;
  unit?: string;
  document?: { type: string; id: string; ref: string };
  user?: string | null;
  note?: string;
}
