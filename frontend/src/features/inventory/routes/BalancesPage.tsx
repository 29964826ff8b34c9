import { Link } from "react-router-dom";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { PageHeader } from "@/components/PageHeader";
import { fmtNumber, fmtQty } from "@/lib/format";
import { useLocations } from "@/lib/lookups";
import { refId, refLabel } from "@/lib/resource";
import { useListState } from "@/lib/use-list-state";
import { useBalances } from "../api/balances";
import type { Balance } from "../types";

export const balanceColumns: Column<Balance>[] = [
  { key: "material", header: "Material", render: (b) => refLabel(b.material, b.material_code) },
  { key: "lot", header: "Lot", render: (b) => <Link to={`/inventory/lots/${refId(b.lot)}`}>{refLabel(b.lot, b.lot_code)}</Link> },
  { key: "roll", header: "Roll", render: (b) => (b.roll ? refLabel(b.roll, b.roll_code) : "—") },
  { key: "location", header: "Location", render: (b) => refLabel(b.location, b.location_code) },
  { key: "on_hand", header: "On hand", sortKey: "on_hand", align: "right", render: (b) => fmtQty(b.on_hand, b.unit) },
  { key: "reserved", header: "Reserved", align: "right", render: (b) => fmtQty(b.reserved) },
  {
    key: "available",
    header: "Available",
    align: "right",
    render: (b) => fmtQty(b.available ?? String(Number(b.on_hand) - Number(b.reserved))),
  },
  { key: "weight_kg", header: "kg", align: "right", render: (b) => fmtNumber(b.weight_kg, 3) },
  { key: "qc_status", header: "QC" },
  { key: "value", header: "Value", align: "right", render: (b) => fmtNumber(b.value) },
];

export function BalancesPage() {
  const list = useListState({ ordering: "" });
  const query = useBalances(list.params);
  const locations = useLocations();
  return (
    <>
      <PageHeader title="Balances by location" />
      <DataTable
        label="Balances"
        columns={balanceColumns}
        query={query}
        state={list}
        searchPlaceholder="Material, lot or roll…"
        filters={
          <>
          <FilterSelect
            state={list}
            name="qc_status"
            label="QC"
            options={["quarantine", "released", "on_hold", "rejected"].map((v) => ({ value: v, label: v.replace("_", " ") }))}
          />
          <FilterSelect
            state={list}
            name="location"
            label="Location"
            options={(locations.data ?? []).map((l) => ({ value: String(l.id), label: l.code }))}
          />
          </>
        }
      />
    </>
  );
}
