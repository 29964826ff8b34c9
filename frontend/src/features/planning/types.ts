export interface PlanningRun {
  id: number;
  job: number | null;
  status: string | null;
  progress: number | null;
  message: string | null;
  horizon_weeks: number;
  run_date: string;
  start_week: string | null;
  warehouse: number | null;
  lot_sizing: string;
  note: string;
  summary: Record<string, unknown> | null;
  created_at: string;
  created_by: string | null;
  completed_at: string | null;
}

export interface Peg {
  kind: "sales_order_line" | "forecast" | "safety_stock" | "planned_order" | string;
  qty?: string;
  order?: string;
  line_no?: number;
  requested_date?: string;
  week?: string;
  source?: string;
  seq?: number;
  material?: string;
  due_date?: string;
  serves?: Peg[];
}

export interface PlannedOrder {
  id: number;
  run: number;
  seq: number;
  order_type: "work_order" | "purchase_order";
  material: number;
  material_code: string;
  unit: string;
  stage: string;
  bom: number | null;
  bom_code: string | null;
  machine_group: number | null;
  machine_group_code: string | null;
  supplier: number | null;
  supplier_code: string | null;
  unit_price: string | null;
  currency: string | null;
  week: string;
  start_date: string;
  due_date: string;
  net_qty: string;
  qty: string;
  lot_sizing: string;
  load_kg: string | null;
  past_due: boolean;
  pegging: Peg[];
  firmed: boolean;
  firmed_at: string | null;
  work_order: number | null;
  work_order_number: string | null;
  purchase_order: number | null;
  purchase_order_number: string | null;
}

export interface PlanningExceptionRow {
  id: number;
  run: number;
  code: string;
  severity: "error" | "warning";
  material: number | null;
  material_code: string | null;
  machine_group_code: string | null;
  week: string | null;
  qty: string | null;
  message: string;
}

export interface Job {
  id: number;
  kind: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  progress: number;
  message: string;
  error: unknown;
  result: Record<string, unknown> | null;
}

export const TERMINAL = ["succeeded", "failed", "cancelled"];
