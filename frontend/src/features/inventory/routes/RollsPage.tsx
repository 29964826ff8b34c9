import { useState } from "react";
import { Link } from "react-router-dom";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { useCan } from "@/lib/auth/me";
import { fmtNumber } from "@/lib/format";
import { refId, refLabel } from "@/lib/resource";
import { useListState } from "@/lib/use-list-state";
import { useRolls } from "../api/rolls";
import { CutRollForm } from "../components/CutRollForm";
import type { Roll } from "../types";

export const rollColumns: Column<Roll>[] = [
  { key: "code", header: "Roll", sortKey: "code" },
  {
    key: "lot",
    header: "Lot",
    render: (r) => <Link to={`/inventory/lots/${refId(r.lot)}`}>{refLabel(r.lot, r.lot_code)}</Link>,
  },
  { key: "material_code", header: "Material" },
  { key: "location_code", header: "Location" },
  { key: "qc_status", header: "QC", render: (r) => (r.qc_status ? <StatusBadge status={r.qc_status} /> : "—") },
  { key: "length_m", header: "Length m", sortKey: "length_m", align: "right", render: (r) => fmtNumber(r.length_m) },
  { key: "weight_kg", header: "Weight kg", align: "right", render: (r) => fmtNumber(r.weight_kg, 3) },
  { key: "on_hand_m", header: "On hand m", align: "right", render: (r) => fmtNumber(r.on_hand_m) },
  { key: "width_cm", header: "Width cm", align: "right", render: (r) => fmtNumber(r.width_cm) },
  { key: "gsm", header: "GSM", align: "right", render: (r) => fmtNumber(r.gsm) },
  { key: "points", header: "Points", align: "right", render: (r) => fmtNumber(r.points, 0) },
  { key: "points_per_100yd2", header: "Pts/100yd²", align: "right", render: (r) => fmtNumber(r.points_per_100yd2) },
  { key: "grade", header: "Grade", render: (r) => (r.grade ? <StatusBadge status={r.grade} /> : "—") },
  { key: "shade_band", header: "Shade band" },
  { key: "delta_e", header: "ΔE00", align: "right", render: (r) => fmtNumber(r.delta_e, 3) },
];

export function RollsPage() {
  const list = useListState({ ordering: "-id" });
  const query = useRolls(list.params);
  const mayCut = useCan("roll.cut");
  const [cutting, setCutting] = useState<Roll | null>(null);
  const columns: Column<Roll>[] = mayCut
    ? [
        ...rollColumns,
        {
          key: "cut",
          header: "",
          render: (r) =>
            Number(r.on_hand_m ?? 0) > 0 ? (
              <button type="button" className="secondary" aria-label={`Cut roll ${r.code}`} onClick={() => setCutting(r)}>
                Cut
              </button>
            ) : null,
        },
      ]
    : rollColumns;
  return (
    <>
      <PageHeader title="Rolls" />
      {cutting && <CutRollForm key={cutting.id} roll={cutting} onDone={() => setCutting(null)} />}
      <DataTable
        label="Rolls"
        columns={columns}
        query={query}
        state={list}
        searchPlaceholder="Roll or lot code…"
        filters={
          <>
            <FilterSelect state={list} name="in_stock" label="In stock" options={[{ value: "true", label: "yes" }, { value: "false", label: "no" }]} />
            <FilterSelect state={list} name="grade" label="Grade" options={["A", "B", "C", "reject"].map((g) => ({ value: g, label: g }))} />
          </>
        }
      />
    </>
  );
}
