export interface Supplier {
  id: number;
  version: number;
  code: string;
  name: string;
  address?: string;
  payment_terms?: string;
  bank_details?: string;
  is_active: boolean;
  contacts?: { id: number; name: string; email: string; phone: string }[];
  score?: string | null;
  standing?: string | null;
  standing_period?: string | null;
}

export interface PriceList {
  id: number;
  version: number;
  supplier: number;
  supplier_code: string;
  material: number;
  material_code: string;
  unit: string;
  price: string;
  currency: string;
  min_order_qty: string;
  lead_time_days: number;
  valid_from: string;
  valid_to: string | null;
}

export interface PurchaseOrderLine {
  id: number;
  line_no: number;
  material: number;
  material_code: string;
  unit: string;
  qty: string;
  unit_price: string;
  amount: string;
  list_price: string | null;
  promised_date: string;
  qty_received: string;
}

export interface StatusLogEntry {
  from_status: string;
  to_status: string;
  user: string | null;
  at: string;
  note: string;
}

export interface PurchaseOrder {
  id: number;
  version: number;
  number: string | null;
  supplier: number;
  supplier_code: string;
  supplier_name: string;
  warehouse: number;
  warehouse_code: string;
  order_date: string;
  expected_date: string | null;
  currency: string;
  notes: string;
  status: string;
  total: string;
  lines: PurchaseOrderLine[];
  status_log: StatusLogEntry[];
  warnings?: string[] | Record<string, unknown>[];
}

export interface ReceiptRoll {
  id: number;
  code: string;
  length_m: string;
  weight_kg: string;
  width_cm: string;
  gsm: string;
}

export interface ReceiptLine {
  id: number;
  po_line: number;
  line_no: number;
  material: number;
  material_code: string;
  unit: string;
  qty: string;
  unit_price: string;
  lot: { id: number; code: string; supplier_lot: string; dye_lot: string; qc_status: string; rolls: ReceiptRoll[] };
}

export interface Receipt {
  id: number;
  version: number;
  number: string | null;
  purchase_order: number;
  purchase_order_number: string | null;
  supplier: number;
  supplier_code: string;
  location: number;
  location_code: string;
  received_on: string;
  delivery_note: string;
  notes: string;
  lines: ReceiptLine[];
  created_at: string;
}

export interface Scorecard {
  id: number;
  supplier: number;
  supplier_code: string;
  supplier_name: string;
  period: string;
  score: string;
  standing: string;
  breakdown: Record<string, unknown>;
}
