import { useMemo, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { useMe } from "@/lib/auth/me";
import { fmtDate, fmtNumber } from "@/lib/format";
import { asOptions, useLocations, useWarehouses } from "@/lib/lookups";
import { notify } from "@/lib/notifications";
import { can } from "@/lib/roles";
import { useListState } from "@/lib/use-list-state";
import { useFirmBulk, useFirmOne, usePlannedOrders, usePlanningExceptions, type FirmOptions } from "../api/planned-orders";
import { useRun } from "../api/runs";
import type { Peg, PlannedOrder, PlanningExceptionRow } from "../types";
import { RunProgress } from "./PlanningRunsPage";

/** One line of pegging: the demand a planned order serves. */
export function pegText(p: Peg): string {
  switch (p.kind) {
    case "sales_order_line":
      return `order ${p.order}/${p.line_no}: ${fmtNumber(p.qty, 3)} by ${fmtDate(p.requested_date)}`;
    case "forecast":
      return `${p.source === "override" ? "forecast override" : "forecast"} week ${fmtDate(p.week)}: ${fmtNumber(p.qty, 3)}`;
    case "safety_stock":
      return `safety stock: ${fmtNumber(p.qty, 3)}`;
    case "planned_order":
      return `planned #${p.seq} ${p.material} due ${fmtDate(p.due_date)}: ${fmtNumber(p.qty, 3)}${p.serves?.length ? ` (for ${p.serves.map(pegText).join("; ")})` : ""}`;
    default:
      return `${p.kind}: ${fmtNumber(p.qty, 3)}`;
  }
}

function Pegging({ pegs }: { pegs: Peg[] }) {
  if (!pegs.length) return <>—</>;
  return (
    <ul className="pegging" style={{ margin: 0, paddingLeft: "1rem", whiteSpace: "normal" }}>
      {pegs.map((p, i) => (
        <li key={i}>{pegText(p)}</li>
      ))}
    </ul>
  );
}

const groupOf = (o: PlannedOrder) => (o.order_type === "work_order" ? `Stage: ${o.stage || "—"}` : `Supplier: ${o.supplier_code ?? "none"}`);

function FirmOptionsForm({ value, onChange, type }: { value: FirmOptions; onChange: (v: FirmOptions) => void; type: string }) {
  const warehouses = useWarehouses();
  const locations = useLocations();
  const num = (v: string) => (v ? Number(v) : undefined);
  return (
    <div className="actions" aria-label="Firm options">
      {type === "purchase_order" ? (
        <label>
          Receive into{" "}
          <select aria-label="Firm into warehouse" value={value.warehouse ?? ""} onChange={(e) => onChange({ ...value, warehouse: num(e.target.value) })}>
            <option value="">the run's warehouse</option>
            {asOptions(warehouses.data).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <>
          <label>
            Issue from{" "}
            <select aria-label="Firm source location" value={value.source_location ?? ""} onChange={(e) => onChange({ ...value, source_location: num(e.target.value) })}>
              <option value="">default production location</option>
              {asOptions(locations.data).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Output to{" "}
            <select aria-label="Firm output location" value={value.output_location ?? ""} onChange={(e) => onChange({ ...value, output_location: num(e.target.value) })}>
              <option value="">default</option>
              {asOptions(locations.data).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
    </div>
  );
}

function PlannedOrders({ runId }: { runId: string }) {
  const list = useListState({ ordering: "seq", pageSize: 50, prefix: "po" });
  const type = list.filters.type || "work_order";
  const params = { ...list.params, run: runId, type };
  const query = usePlannedOrders(params);
  const { data: me } = useMe();
  const mayFirm = can(me?.permissions, "planning.firm");
  const mayFirmBulk = can(me?.permissions, "planning.firm_bulk");
  const firmOne = useFirmOne();
  const firmBulk = useFirmBulk();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [options, setOptions] = useState<FirmOptions>({});
  const rows = useMemo(() => query.data?.results ?? [], [query.data]);
  const open = rows.filter((o) => !o.firmed);
  const toggle = (id: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const firmSelected = () =>
    firmBulk.mutate(
      { ids: [...selected], options },
      {
        onSuccess: (done) => {
          setSelected(new Set());
          notify.success(`${done.length} planned order(s) firmed.`);
        },
      },
    );
  const docLink = (o: PlannedOrder) =>
    o.work_order ? (
      <Link to={`/production/work-orders/${o.work_order}`}>{o.work_order_number ?? `WO #${o.work_order}`}</Link>
    ) : o.purchase_order ? (
      <Link to={`/procurement/purchase-orders/${o.purchase_order}`}>{o.purchase_order_number ?? `PO #${o.purchase_order}`}</Link>
    ) : null;

  const columns: Column<PlannedOrder>[] = [
    {
      key: "select",
      header: "",
      render: (o) =>
        mayFirmBulk && !o.firmed ? <input type="checkbox" aria-label={`Select planned order ${o.seq}`} checked={selected.has(o.id)} onChange={() => toggle(o.id)} /> : null,
    },
    { key: "group", header: type === "work_order" ? "Stage" : "Supplier", render: (o) => groupOf(o).split(": ")[1] },
    { key: "seq", header: "#", sortKey: "seq" },
    { key: "material_code", header: "Material" },
    ...(type === "work_order"
      ? [
          { key: "bom_code", header: "BOM" },
          { key: "machine_group_code", header: "Machines" },
        ]
      : [{ key: "unit_price", header: "Price", align: "right" as const, render: (o: PlannedOrder) => (o.unit_price ? `${fmtNumber(o.unit_price, 4)} ${o.currency ?? ""}` : "—") }]),
    { key: "start_date", header: "Start", sortKey: "start_date", render: (o) => fmtDate(o.start_date) },
    { key: "due_date", header: "Due", sortKey: "due_date", render: (o) => <>{fmtDate(o.due_date)}{o.past_due ? <span className="badge badge-rejected"> past due</span> : null}</> },
    { key: "qty", header: "Qty", sortKey: "qty", align: "right", render: (o) => `${fmtNumber(o.qty, 3)} ${o.unit}` },
    { key: "pegging", header: "Pegged to", render: (o) => <Pegging pegs={o.pegging} /> },
    {
      key: "firm",
      header: "Firmed",
      render: (o) =>
        o.firmed ? (
          docLink(o) ?? "yes"
        ) : mayFirm ? (
          <button type="button" className="secondary" disabled={firmOne.isPending} aria-label={`Firm planned order ${o.seq}`} onClick={() => firmOne.mutate({ id: o.id, options })}>
            Firm
          </button>
        ) : (
          "no"
        ),
    },
  ];
  const groups = [...new Set(rows.map(groupOf))];
  return (
    <section aria-label="Planned orders">
      <div className="actions" role="tablist" aria-label="Order type" style={{ marginBottom: "0.5rem" }}>
        {(["work_order", "purchase_order"] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={type === t}
            className={type === t ? undefined : "secondary"}
            onClick={() => {
              setSelected(new Set());
              list.setFilter("type", t);
            }}
          >
            {t === "work_order" ? "Planned work orders" : "Planned purchase orders"}
          </button>
        ))}
      </div>
      <p className="muted">
        {type === "work_order" ? "Grouped by stage" : "Grouped by supplier (firming selected ones makes one PO per supplier)"}: {groups.map((g) => `${g.split(": ")[1]} (${rows.filter((r) => groupOf(r) === g).length})`).join(", ") || "—"}
      </p>
      {(mayFirm || mayFirmBulk) && <FirmOptionsForm value={options} onChange={setOptions} type={type} />}
      {mayFirmBulk && (
        <div className="actions" style={{ margin: "0.5rem 0" }}>
          <button type="button" className="secondary" disabled={open.length === 0} onClick={() => setSelected(new Set(open.map((o) => o.id)))}>
            Select all open on this page
          </button>
          <button type="button" disabled={selected.size === 0 || firmBulk.isPending} onClick={firmSelected}>
            Firm selected ({selected.size})
          </button>
        </div>
      )}
      <ErrorBanner error={firmBulk.error} />
      <DataTable
        label={type === "work_order" ? "Planned work orders" : "Planned purchase orders"}
        columns={columns}
        query={{ ...query, data: query.data ? { ...query.data, results: [...rows].sort((a, b) => groupOf(a).localeCompare(groupOf(b))) } : undefined }}
        state={list}
        filters={<FilterSelect state={list} name="firmed" label="Firmed" options={[{ value: "false", label: "open" }, { value: "true", label: "firmed" }]} />}
      />
    </section>
  );
}

const exceptionColumns: Column<PlanningExceptionRow>[] = [
  { key: "severity", header: "Severity", render: (e) => <span className={`badge ${e.severity === "error" ? "badge-rejected" : "badge-on_hold"}`}>{e.severity}</span> },
  { key: "code", header: "Code", sortKey: "code", render: (e) => e.code.replace(/_/g, " ") },
  { key: "material_code", header: "Material" },
  { key: "week", header: "Week", sortKey: "week", render: (e) => fmtDate(e.week) },
  { key: "qty", header: "Qty", align: "right", render: (e) => fmtNumber(e.qty, 3) },
  { key: "message", header: "Message", render: (e) => <span style={{ whiteSpace: "normal" }}>{e.message}</span> },
];

function Exceptions({ runId }: { runId: string }) {
  const list = useListState({ ordering: "id", pageSize: 25, prefix: "ex" });
  const query = usePlanningExceptions({ ...list.params, run: runId });
  return (
    <>
      <h2>Exceptions</h2>
      <DataTable
        label="Planning exceptions"
        columns={exceptionColumns}
        query={query}
        state={list}
        empty="No exceptions in this run."
        filters={<FilterSelect state={list} name="severity" label="Severity" options={[{ value: "error", label: "error" }, { value: "warning", label: "warning" }]} />}
      />
    </>
  );
}

export function PlanningRunPage() {
  const { id = "" } = useParams();
  const run = useRun(id);
  return (
    <QueryState query={run}>
      {(r) => (
        <>
          <PageHeader title={`Planning run #${r.id}`}>
            <p className="muted">
              <StatusBadge status={r.status} /> {fmtDate(r.run_date)} · {r.horizon_weeks} weeks · {r.lot_sizing.replace(/_/g, " ")}
              {r.created_by ? ` · by ${r.created_by}` : ""}
              {r.note ? ` · ${r.note}` : ""}
            </p>
          </PageHeader>
          {r.status !== "succeeded" ? (
            r.status === "failed" || r.status === "cancelled" ? <p className="banner banner-error">This run {r.status}{r.message ? `: ${r.message}` : "."}</p> : <RunProgress run={r} />
          ) : (
            <>
              <PlannedOrders runId={id} />
              <Exceptions runId={id} />
            </>
          )}
        </>
      )}
    </QueryState>
  );
}
