import { Link } from "react-router-dom";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { fmtDate, fmtQty } from "@/lib/format";
import { refLabel } from "@/lib/resource";
import { useListState } from "@/lib/use-list-state";
import { useLots } from "../api/lots";
import type { Lot } from "../types";

export const QC_STATUSES = ["quarantine", "released", "on_hold", "rejected"];

const columns: Column<Lot>[] = [
  { key: "code", header: "Lot", sortKey: "code", render: (l) => <Link to={`/inventory/lots/${l.id}`}>{l.code}</Link> },
  { key: "material", header: "Material", render: (l) => refLabel(l.material, l.material_code) },
  { key: "dye_lot", header: "Dye lot" },
  { key: "supplier_lot", header: "Supplier lot" },
  { key: "origin", header: "Origin" },
  { key: "qc_status", header: "QC", sortKey: "qc_status", render: (l) => <StatusBadge status={l.qc_status} /> },
  { key: "on_hand", header: "On hand", align: "right", render: (l) => fmtQty(l.on_hand, l.unit) },
  { key: "received_at", header: "Received", sortKey: "received_at", render: (l) => fmtDate(l.received_at ?? l.produced_at) },
  { key: "source", header: "Source", render: (l) => l.source?.ref || "—" },
];

export function LotsPage() {
  const list = useListState({ ordering: "-id" });
  const query = useLots(list.params);
  return (
    <>
      <PageHeader title="Lots" />
      <DataTable
        label="Lots"
        columns={columns}
        query={query}
        state={list}
        searchPlaceholder="Lot, dye lot, supplier lot…"
        filters={<FilterSelect state={list} name="qc_status" label="QC status" options={QC_STATUSES.map((s) => ({ value: s, label: s.replace("_", " ") }))} />}
      />
    </>
  );
}
