import { Link, useParams } from "react-router-dom";
import { DataTable, type Column } from "@/components/DataTable";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { fmtDate, fmtNumber } from "@/lib/format";
import { refLabel } from "@/lib/resource";
import { useListState } from "@/lib/use-list-state";
import { useBalances } from "../api/balances";
import { useLot } from "../api/lots";
import { useRolls } from "../api/rolls";
import { useStockMoves } from "../api/stock-moves";
import type { StockMove } from "../types";
import { balanceColumns } from "./BalancesPage";
import { rollColumns } from "./RollsPage";

const ledgerColumns: Column<StockMove>[] = [
  { key: "created_at", header: "When", sortKey: "created_at", render: (m) => fmtDate(m.created_at) },
  { key: "reason", header: "Reason" },
  { key: "qty", header: "Qty", align: "right", render: (m) => fmtNumber(m.qty, 3) },
  { key: "location", header: "Location", render: (m) => refLabel(m.location, m.location_code) },
  { key: "roll", header: "Roll", render: (m) => (m.roll ? refLabel(m.roll, m.roll_code) : "—") },
  { key: "unit_cost", header: "Unit cost", align: "right", render: (m) => fmtNumber(m.unit_cost, 4) },
  { key: "document", header: "Document", render: (m) => m.document?.ref || "—" },
  { key: "note", header: "Note" },
  { key: "user", header: "By", render: (m) => m.user ?? "—" },
];

export function LotDetailPage() {
  const { id } = useParams();
  const lot = useLot(id);
  const rollsList = useListState({ prefix: "rolls", ordering: "code" });
  const ledgerList = useListState({ prefix: "ledger", ordering: "id" });
  const balanceList = useListState({ prefix: "bal" });
  const rolls = useRolls({ ...rollsList.params, lot: id }, Boolean(id));
  const moves = useStockMoves({ ...ledgerList.params, lot: id }, Boolean(id));
  const balances = useBalances({ ...balanceList.params, lot: id }, Boolean(id));
  return (
    <QueryState query={lot}>
      {(l) => (
        <>
          <PageHeader
            title={`Lot ${l.code}`}
            actions={
              <>
                <Link className="button secondary" to={`/trace?lot=${l.id}`}>
                  Trace
                </Link>
                <Link className="button secondary" to={`/quality/inspections/new?lot=${l.id}`}>
                  Inspect
                </Link>
              </>
            }
          >
            <StatusBadge status={l.qc_status} />
          </PageHeader>
          <section className="panel">
            <dl className="facts">
              <dt>Material</dt>
              <dd>{refLabel(l.material, l.material_code)}</dd>
              <dt>Origin</dt>
              <dd>{l.origin ?? "—"}</dd>
              <dt>Supplier lot</dt>
              <dd>{l.supplier_lot || "—"}</dd>
              <dt>Dye lot</dt>
              <dd>{l.dye_lot || "—"}</dd>
              <dt>Received / produced</dt>
              <dd>{fmtDate(l.received_at ?? l.produced_at)}</dd>
              <dt>Source</dt>
              <dd>{l.source?.ref || "—"}</dd>
              <dt>On hand</dt>
              <dd>
                {fmtNumber(l.on_hand, 3)} {l.unit} (reserved {fmtNumber(l.reserved, 3)})
              </dd>
            </dl>
          </section>
          <h2>Rolls</h2>
          <DataTable label="Rolls of the lot" columns={rollColumns} query={rolls} state={rollsList} searchable={false} />
          <h2>Balances</h2>
          <DataTable label="Balances of the lot" columns={balanceColumns} query={balances} state={balanceList} searchable={false} />
          <h2>Ledger</h2>
          <DataTable label="Ledger of the lot" columns={ledgerColumns} query={moves} state={ledgerList} searchable={false} />
        </>
      )}
    </QueryState>
  );
}
