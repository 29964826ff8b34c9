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
  components: { id: number; material: number; material_code?: string; qty_per_unit: string; basis: string; loss_pct: string }[];
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
  dye_lot: string;
  input_kg: string;
  output_kg: string;
  process_loss_pct: string | null;
  input_value: string;
  output_value: string;
  due_date: string | null;
  notes: string;
}

export interface JobWork {
  id: number;
  version: number;
  number: string;
  partner: string;
  output_material_code: string;
  stage: string;
  fee_per_kg: string;
  status: string;
  reconciliation: Record<string, unknown> | null;
}
