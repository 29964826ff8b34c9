export interface BomComponent {
  id: number;
  material: number;
  material_code?: string;
  unit?: string;
  qty_per_unit: string;
  basis: string;
  loss_pct: string;
  sequence?: number;
}

export interface Bom {
  id: number;
  version: number;
  code: string;
  product: number;
  product_code: string;
  shade_code: string;
  unit: string;
  stage: string;
  conversion_cost: string;
  is_active: boolean;
  notes?: string;
  components: BomComponent[];
}

export interface StatusLogEntry {
  from_status: string;
  to_status: string;
  user: string | null;
  note: string;
  at: string;
}

export interface Machine {
  id: number;
  code: string;
  name: string;
  stage: string;
  is_active: boolean;
}

export interface WorkOrder {
  id: number;
  version: number;
  number: string;
  bom: number;
  bom_code: string;
  product: number;
  product_code: string;
  unit: string;
  stage: string;
  status: string;
  planned_qty: string;
  output_qty: string;
  source_location?: number;
  output_location?: number;
  issue_tolerance_pct?: string;
  machine?: number | null;
  machine_code?: string | null;
  dye_lot: string;
  input_kg: string;
  output_kg: string;
  process_loss_pct: string | null;
  input_value: string;
  output_value: string;
  due_date: string | null;
  notes: string;
}

export interface WorkOrderDetail extends WorkOrder {
  reservations: { id: number; lot: number; lot_code: string; roll: number | null; roll_code: string | null; location: number; qty: string; open_qty: string }[];
  inputs: { id: number; lot: number; lot_code: string; material: number; roll: number | null; roll_code: string | null; location: number; qty: string; kg: string | null; value: string; created_at: string }[];
  outputs: {
    id: number;
    lot: number;
    lot_code: string;
    dye_lot: string;
    qc_status: string;
    rolls: { id: number; code: string; length_m: string }[];
    qty: string;
    kg: string | null;
    process_loss_pct: string | null;
    value: string;
    created_at: string;
  }[];
  log: StatusLogEntry[];
}

export interface JobWork {
  id: number;
  version: number;
  number: string;
  partner_location?: number;
  partner: string;
  output_material?: number;
  output_material_code: string;
  stage: string;
  fee_per_kg: string;
  status: string;
  notes?: string;
  reconciliation: {
    qty?: Record<string, string>;
    kg?: Record<string, string>;
    shrinkage_pct?: string | null;
    mass_loss_pct?: string | null;
    balanced?: boolean;
  } | null;
}

export interface JobWorkDetail extends JobWork {
  issues: { id: number; lot: number; lot_code: string; roll: number | null; roll_code: string | null; from_location: number; qty: string; kg: string | null; consumed_qty: string; returned_qty: string }[];
  outputs: WorkOrderDetail["outputs"];
  log: StatusLogEntry[];
}

export const STAGES = ["knitting", "weaving", "dyeing", "finishing", "cutting", "sewing"] as const;
