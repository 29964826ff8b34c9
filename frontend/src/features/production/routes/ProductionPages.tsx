import { Link } from "react-router-dom";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { fmtDate, fmtNumber } from "@/lib/format";
import { useListState } from "@/lib/use-list-state";
import { useBoms } from "../api/boms";
import { useJobWork } from "../api/job-work";
import { useWorkOrders } from "../api/work-orders";
import type { Bom, JobWork, WorkOrder } from "../types";

const woColumns: Column<WorkOrder>[] = [
  { key: "number", header: "Number", sortKey: "number", render: (w) => <Link to={`/production/work-orders/${w.id}`}>{w.number}</Link> },
  { key: "product_code", header: "Product" },
  { key: "stage", header: "Stage" },
  { key: "machine_code", header: "Machine", render: (w) => w.machine_code ?? "—" },
  { key: "status", header: "Status", sortKey: "status", render: (w) => <StatusBadge status={w.status} /> },
  { key: "planned_qty", header: "Planned", align: "right", render: (w) => `${fmtNumber(w.planned_qty)} ${w.unit}` },
  { key: "output_qty", header: "Output", align: "right", render: (w) => fmtNumber(w.output_qty) },
  { key: "process_loss_pct", header: "Loss %", align: "right", render: (w) => fmtNumber(w.process_loss_pct) },
  { key: "dye_lot", header: "Dye lot" },
  { key: "due_date", header: "Due", sortKey: "due_date", render: (w) => fmtDate(w.due_date) },
];

export function WorkOrdersPage() {
  const list = useListState({ ordering: "-updated_at" });
  const query = useWorkOrders(list.params);
  return (
    <>
      <PageHeader
        title="Work orders"
        actions={
          <Can action="workorder.create">
            <Link className="button" to="/production/work-orders/new">
              New work order
            </Link>
          </Can>
        }
      >
        <p className="muted">draft → released → in progress → completed → closed. Issues and outputs post stock with genealogy.</p>
      </PageHeader>
      <DataTable
        label="Work orders"
        columns={woColumns}
        query={query}
        state={list}
        filters={
          <FilterSelect
            state={list}
            name="status"
            label="Status"
            options={["draft", "released", "in_progress", "completed", "closed", "cancelled"].map((s) => ({ value: s, label: s.replace("_", " ") }))}
          />
        }
      />
    </>
  );
}

const bomColumns: Column<Bom>[] = [
  { key: "code", header: "Code", sortKey: "code", render: (b) => <Link to={`/production/boms/${b.id}`}>{b.code}</Link> },
  { key: "product_code", header: "Product" },
  { key: "stage", header: "Stage", sortKey: "stage" },
  { key: "components", header: "Components", render: (b) => b.components.map((c) => `${c.material_code ?? c.material} ${fmtNumber(c.qty_per_unit, 4)} (+${fmtNumber(c.loss_pct)}% loss)`).join("; ") },
  { key: "conversion_cost", header: "Conversion cost", align: "right", render: (b) => fmtNumber(b.conversion_cost, 4) },
  { key: "is_active", header: "Active", render: (b) => (b.is_active ? "yes" : "no") },
];

export function BomsPage() {
  const list = useListState({ ordering: "code" });
  const query = useBoms(list.params);
  return (
    <>
      <PageHeader
        title="Bills of materials"
        actions={
          <Can action="bom.create">
            <Link className="button" to="/production/boms/new">
              New BOM
            </Link>
          </Can>
        }
      />
      <DataTable label="BOMs" columns={bomColumns} query={query} state={list} />
    </>
  );
}

const jwColumns: Column<JobWork>[] = [
  { key: "number", header: "Number", sortKey: "number", render: (j) => <Link to={`/production/job-work/${j.id}`}>{j.number}</Link> },
  { key: "partner", header: "Dye house" },
  { key: "output_material_code", header: "Output" },
  { key: "stage", header: "Stage" },
  { key: "fee_per_kg", header: "Fee / kg", align: "right", render: (j) => fmtNumber(j.fee_per_kg, 4) },
  { key: "status", header: "Status", sortKey: "status", render: (j) => <StatusBadge status={j.status} /> },
];

export function JobWorkPage() {
  const list = useListState({ ordering: "-updated_at" });
  const query = useJobWork(list.params);
  return (
    <>
      <PageHeader
        title="Job work"
        actions={
          <Can action="jobwork.create">
            <Link className="button" to="/production/job-work/new">
              New job work
            </Link>
          </Can>
        }
      >
        <p className="muted">Greige at a dye house stays ours: issued = received + loss + returned.</p>
      </PageHeader>
      <DataTable label="Job work" columns={jwColumns} query={query} state={list} />
    </>
  );
}
