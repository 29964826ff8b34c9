export interface Customer {
  id: number;
  version: number;
  code: string;
  name: string;
  contacts: { name: string; role?: string; email?: string; phone?: string }[];
  address: string;
  points_threshold: string;
  shade_tolerance: string;
  is_active: boolean;
}

export interface Allocation {
  id: number;
  roll: number;
  roll_code: string;
  lot: number;
  lot_code: string;
  dye_lot: string;
  shade_band: string;
  location: number;
  location_code: string;
  qty: string;
  status: string;
}

export interface SalesOrderLine {
  id: number;
  line_no: number;
  material: number;
  material_code: string;
  qty: string;
  unit_price: string;
  requested_date: string;
  allocated: string;
  shipped: string;
  allocations: Allocation[];
}

export interface LineAllocationPlan {
  line: number;
  line_no: number;
  material: string;
  requested: string;
  allocated: string;
  newly_allocated: string;
  rolls: string[];
  dye_lots: string[];
  shade_bands: string[];
  single_dye_lot: boolean;
  single_shade_band: boolean;
  message: string;
}

export interface SalesOrder {
  id: number;
  version: number;
  number: string | null;
  customer: number;
  customer_code: string;
  status: string;
  order_date: string;
  customer_ref: string;
  notes: string;
  lines: SalesOrderLine[];
  status_log: { from_status: string; to_status: string; user: string | null; at: string; note: string }[];
  allocation?: LineAllocationPlan[];
  warnings?: string[];
}

export interface ShipmentLine {
  id: number;
  line_no: number;
  order_line: number;
  roll: number;
  roll_code: string;
  lot: number;
  lot_code: string;
  dye_lot: string;
  material_code: string;
  shade_band: string;
  grade: string;
  weight_kg: string;
  qty: string;
  unit_cost: string;
}

export interface Shipment {
  id: number;
  version: number;
  number: string | null;
  order: number;
  order_number: string | null;
  customer: number;
  customer_code: string;
  shipped_at: string;
  carrier: string;
  vehicle: string;
  notes: string;
  lines: ShipmentLine[];
}

export interface CustomerReturn {
  id: number;
  number: string | null;
  shipment: number;
  shipment_number: string | null;
  customer_code: string;
  location_code: string;
  returned_at: string;
  reason: string;
  lines: { id: number; roll: number; roll_code: string; lot: number; lot_code: string; qty: string }[];
}

export interface Feedback {
  id: number;
  version: number;
  number: string | null;
  customer: number;
  customer_code: string;
  kind: string;
  category: string;
  rating: number | null;
  description: string;
  shipment: number | null;
  shipment_number: string | null;
  lot: number | null;
  lot_code: string | null;
  roll: number | null;
  roll_code: string | null;
  status: string;
  resolution: string;
  received_at: string;
}
