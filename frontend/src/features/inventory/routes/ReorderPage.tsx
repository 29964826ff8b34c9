import { DataTable, type Column } from "@/components/DataTable";
import { PageHeader } from "@/components/PageHeader";
import { fmtQty } from "@/lib/format";
import { refLabel } from "@/lib/resource";
import { useListState } from "@/lib/use-list-state";
import { useReorderSuggestions, type ReorderSuggestion } from "../api/reorder";

const columns: Column<ReorderSuggestion>[] = [
  { key: "material", header: "Material", render: (r) => refLabel(r.material, r.material_code) },
  { key: "warehouse", header: "Warehouse", render: (r) => refLabel(r.warehouse, r.warehouse_code) },
  { key: "on_hand", header: "On hand", align: "right", render: (r) => fmtQty(r.on_hand) },
  { key: "on_order", header: "On order", align: "right", render: (r) => fmtQty(r.on_order) },
  { key: "reserved", header: "Reserved", align: "right", render: (r) => fmtQty(r.reserved) },
  { key: "projected", header: "Projected", align: "right", render: (r) => fmtQty(r.projected) },
  { key: "min_qty", header: "Min", align: "right", render: (r) => fmtQty(r.min_qty) },
  { key: "max_qty", header: "Max", align: "right", render: (r) => fmtQty(r.max_qty) },
  { key: "suggested_qty", header: "Suggested", align: "right", render: (r) => <strong>{fmtQty(r.suggested_qty, r.unit)}</strong> },
];

export function ReorderPage() {
  const list = useListState();
  const query = useReorderSuggestions(list.params);
  return (
    <>
      <PageHeader title="Reorder suggestions">
        <p className="muted">Projected = on hand + on order + planned production − reserved; suggested when projected ≤ min.</p>
      </PageHeader>
      <DataTable label="Reorder suggestions" columns={columns} query={query} state={list} rowKey={(r) => `${refLabel(r.material)}-${refLabel(r.warehouse)}`} />
    </>
  );
}
