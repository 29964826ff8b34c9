import { Link } from "react-router-dom";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { fmtDate, fmtNumber } from "@/lib/format";
import { useListState } from "@/lib/use-list-state";
import { useRollInspections } from "../api/roll-inspections";
import type { RollInspection } from "../types";

const columns: Column<RollInspection>[] = [
  { key: "number", header: "Number" },
  { key: "roll_code", header: "Roll" },
  { key: "lot", header: "Lot", render: (i) => <Link to={`/inventory/lots/${i.lot}`}>lot #{i.lot}</Link> },
  { key: "inspected_yards", header: "Yards", align: "right", render: (i) => fmtNumber(i.inspected_yards) },
  { key: "cuttable_width_in", header: "Width in", align: "right", render: (i) => fmtNumber(i.cuttable_width_in) },
  { key: "total_points", header: "Points", align: "right" },
  { key: "points_per_100yd2", header: "Pts/100yd²", sortKey: "points_per_100yd2", align: "right", render: (i) => fmtNumber(i.points_per_100yd2) },
  { key: "threshold_name", header: "Threshold", render: (i) => `${i.threshold_name} (${fmtNumber(i.threshold)})` },
  { key: "grade", header: "Grade", render: (i) => <StatusBadge status={i.grade} /> },
  { key: "inspector", header: "Inspector" },
  { key: "created_at", header: "When", sortKey: "created_at", render: (i) => fmtDate(i.created_at) },
];

export function InspectionsPage() {
  const list = useListState({ ordering: "-created_at" });
  const query = useRollInspections(list.params);
  return (
    <>
      <PageHeader
        title="Roll inspections (4-point)"
        actions={
          <Can action="inspection.create">
            <Link className="button" to="/quality/inspections/new">
              Inspect a lot
            </Link>
          </Can>
        }
      />
      <DataTable
        label="Roll inspections"
        columns={columns}
        query={query}
        state={list}
        searchPlaceholder="Number or roll…"
        filters={<FilterSelect state={list} name="grade" label="Grade" options={[{ value: "first", label: "first" }, { value: "second", label: "second" }]} />}
      />
    </>
  );
}
