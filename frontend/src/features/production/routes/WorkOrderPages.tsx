import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { useNavigate, useParams, useSearchParams } from "react-router-dom";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextAreaField, TextField } from "@/components/Field";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { TransitionBar } from "@/components/TransitionBar";
import { useCan, useMe } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtDate, fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useLocations } from "@/lib/lookups";
import { notify } from "@/lib/notifications";
import { can } from "@/lib/roles";
import { useBom, useBoms } from "../api/boms";
import { useMachines } from "../api/machines";
import { useCreateWorkOrder, useWorkOrder, useWorkOrderAction } from "../api/work-orders";
import { RollsForm } from "../components/RollsForm";
import { StockLinesForm } from "../components/StockLinesForm";
import type { WorkOrderDetail } from "../types";

const schema = z.object({
  bom: z.string().min(1, "Choose a BOM."),
  planned_qty: z.string().trim().refine((v) => v !== "" && Number(v) > 0, "Enter a quantity above zero."),
  source_location: z.string().min(1, "Choose where material is issued from."),
  output_location: z.string().min(1, "Choose where output goes."),
  machine: z.string(),
  dye_lot: z.string().trim().max(80),
  due_date: z.string(),
  notes: z.string(),
});
type Values = z.infer<typeof schema>;

export function WorkOrderNewPage() {
  const allowed = useCan("workorder.create");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const boms = useBoms({ page_size: 200, ordering: "code", is_active: "true" });
  const locations = useLocations();
  const create = useCreateWorkOrder();
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { bom: params.get("bom") ?? "", planned_qty: "", source_location: "", output_location: "", machine: "", dye_lot: "", due_date: "", notes: "" },
  });
  const { errors } = form.formState;
  const chosen = boms.data?.results.find((b) => String(b.id) === form.watch("bom"));
  // Only active machines of the BOM's stage can run it; the choice is optional (decided on the floor).
  const machines = useMachines({ stage: chosen?.stage, is_active: "true", page_size: 200, ordering: "code" }, chosen !== undefined);
  const bom = form.watch("bom");
  // Another BOM may be another stage: a machine picked for the last one no longer applies.
  useEffect(() => form.setValue("machine", ""), [bom, form]);
  const submit = form.handleSubmit((v) => {
    setExtra([]);
    create.mutate(
      {
        key: key.current,
        body: {
          bom: Number(v.bom),
          planned_qty: v.planned_qty,
          source_location: Number(v.source_location),
          output_location: Number(v.output_location),
          machine: v.machine ? Number(v.machine) : null,
          dye_lot: v.dye_lot,
          due_date: v.due_date || null,
          notes: v.notes,
        },
      },
      {
        onSuccess: (wo) => navigate(`/production/work-orders/${wo.id}`),
        onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))),
      },
    );
  });
  if (!allowed) return <p className="banner banner-info">Only production supervisors create work orders.</p>;
  return (
    <>
      <PageHeader title="New work order" />
      <form className="panel" aria-label="New work order" noValidate onSubmit={submit}>
        <ErrorBanner error={create.error} extra={extra} />
        <div className="form-row">
          <SelectField
            label="BOM"
            placeholder="Choose…"
            options={(boms.data?.results ?? []).map((b) => ({ value: b.id, label: `${b.code} · ${b.product_code} (${b.stage})` }))}
            error={errors.bom?.message}
            {...form.register("bom")}
          />
          <TextField label="Planned quantity" inputMode="decimal" hint={chosen?.unit} error={errors.planned_qty?.message} {...form.register("planned_qty")} />
          <SelectField label="Issue from" placeholder="Choose…" options={asOptions(locations.data)} error={errors.source_location?.message} {...form.register("source_location")} />
          <SelectField label="Output to" placeholder="Choose…" options={asOptions(locations.data)} error={errors.output_location?.message} {...form.register("output_location")} />
          <SelectField
            label="Machine"
            placeholder={chosen ? "Not decided yet" : "Choose a BOM first"}
            hint={chosen ? `${chosen.stage} machines` : undefined}
            options={chosen ? asOptions(machines.data?.results) : []}
            error={errors.machine?.message}
            {...form.register("machine")}
          />
          <TextField label="Dye lot" error={errors.dye_lot?.message} {...form.register("dye_lot")} />
          <TextField label="Due date" type="date" error={errors.due_date?.message} {...form.register("due_date")} />
        </div>
        <TextAreaField label="Notes" {...form.register("notes")} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Create draft
          </button>
        </div>
      </form>
    </>
  );
}

function ReleaseForm({ order }: { order: WorkOrderDetail }) {
  const [strategy, setStrategy] = useState("fifo");
  const action = useWorkOrderAction({ success: `${order.number} released; material reserved.` });
  return (
    <form
      className="actions"
      aria-label="Release"
      onSubmit={(e) => {
        e.preventDefault();
        action.mutate({ order, action: "release", body: { strategy } });
      }}
    >
      <label>
        Reserve{" "}
        <select aria-label="Reservation strategy" value={strategy} onChange={(e) => setStrategy(e.target.value)}>
          <option value="fifo">first in, first out</option>
          <option value="same_dye_lot">one dye lot</option>
          <option value="none">nothing (issue by hand)</option>
        </select>
      </label>
      <button type="submit" disabled={action.isPending}>
        Release
      </button>
    </form>
  );
}

function IssuePanel({ order }: { order: WorkOrderDetail }) {
  const bom = useBom(order.bom);
  const reserved = order.reservations.some((r) => Number(r.open_qty) > 0);
  const reservedIssue = useWorkOrderAction({ success: "Reserved material issued." });
  const linesIssue = useWorkOrderAction({ silent: true, success: "Material issued." });
  return (
    <section aria-label="Issue materials">
      {reserved && (
        <div className="panel">
          <h2>Issue materials</h2>
          <p className="muted">Issue what was reserved at release ({order.reservations.map((r) => `${r.lot_code} ${fmtNumber(r.open_qty, 3)}`).join(", ")}), or name lots below.</p>
          <button
            type="button"
            disabled={reservedIssue.isPending}
            onClick={() => reservedIssue.mutate({ order, action: "issue", body: {} })}
          >
            Issue reserved material
          </button>
        </div>
      )}
      <StockLinesForm
        label="Issue from lots"
        materials={(bom.data?.components ?? []).map((c) => c.material)}
        defaultLocation={order.source_location}
        submitLabel="Issue these lots"
        pending={linesIssue.isPending}
        error={linesIssue.error}
        onSubmit={(body, onError) => linesIssue.mutate({ order, action: "issue", body }, { onError })}
      />
    </section>
  );
}

export function WorkOrderDetailPage() {
  const { id } = useParams();
  const query = useWorkOrder(id);
  const { data: me } = useMe();
  const perms = me?.permissions;
  const transition = useWorkOrderAction();
  const output = useWorkOrderAction({ silent: true, success: "Output recorded." });
  return (
    <QueryState query={query}>
      {(wo) => (
        <>
          <PageHeader
            title={`Work order ${wo.number}`}
            actions={
              <>
                {wo.status === "draft" && can(perms, "workorder.release") && <ReleaseForm order={wo} />}
                <TransitionBar
                  pending={transition.isPending}
                  onRun={(action, note) =>
                    transition.mutate(
                      { order: wo, action: action as "complete" | "close" | "cancel", body: action === "cancel" ? { note } : {} },
                      { onSuccess: (u) => notify.success(`${u.number} is ${u.status.replace("_", " ")}.`) },
                    )
                  }
                  transitions={[
                    { action: "complete", label: "Complete", visible: wo.status === "in_progress" && can(perms, "workorder.complete") },
                    { action: "close", label: "Close", variant: "secondary", visible: wo.status === "completed" && can(perms, "workorder.close") },
                    { action: "cancel", label: "Cancel work order", variant: "danger", needsNote: true, visible: ["draft", "released"].includes(wo.status) && can(perms, "workorder.cancel") },
                  ]}
                />
              </>
            }
          >
            <StatusBadge status={wo.status} />
          </PageHeader>
          <section className="panel">
            <dl className="facts">
              <dt>Product</dt>
              <dd>
                {wo.product_code} ({wo.stage}, BOM {wo.bom_code})
              </dd>
              <dt>Planned</dt>
              <dd>
                {fmtNumber(wo.planned_qty, 3)} {wo.unit}
              </dd>
              <dt>Output so far</dt>
              <dd>
                {fmtNumber(wo.output_qty, 3)} {wo.unit}
              </dd>
              <dt>In / out kg</dt>
              <dd>
                {fmtNumber(wo.input_kg, 3)} / {fmtNumber(wo.output_kg, 3)} (loss {fmtNumber(wo.process_loss_pct)}%)
              </dd>
              <dt>Value in / out</dt>
              <dd>
                {fmtNumber(wo.input_value)} / {fmtNumber(wo.output_value)}
              </dd>
              <dt>Machine</dt>
              <dd>{wo.machine_code ?? "—"}</dd>
              <dt>Dye lot</dt>
              <dd>{wo.dye_lot || "—"}</dd>
              <dt>Due</dt>
              <dd>{fmtDate(wo.due_date)}</dd>
            </dl>
          </section>
          {["released", "in_progress"].includes(wo.status) && can(perms, "workorder.issue") && <IssuePanel key={wo.version} order={wo} />}
          {wo.status === "in_progress" && can(perms, "workorder.output") && (
            <RollsForm
              key={`out-${wo.version}`}
              label="Record output"
              fabric={wo.unit === "m"}
              unit={wo.unit}
              submitLabel="Record output"
              pending={output.isPending}
              error={output.error}
              onSubmit={(body, onError) => output.mutate({ order: wo, action: "output", body }, { onError })}
            />
          )}
          <div className="grid-2">
            <section className="data-table" aria-label="Reservations">
              <h2 style={{ padding: "0.5rem 0.6rem 0" }}>Reserved</h2>
              <table>
                <thead>
                  <tr>
                    <th>Lot</th>
                    <th>Roll</th>
                    <th className="num">Reserved</th>
                    <th className="num">Still open</th>
                  </tr>
                </thead>
                <tbody>
                  {wo.reservations.map((r) => (
                    <tr key={r.id}>
                      <td>{r.lot_code}</td>
                      <td>{r.roll_code ?? "—"}</td>
                      <td className="num">{fmtNumber(r.qty, 3)}</td>
                      <td className="num">{fmtNumber(r.open_qty, 3)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="data-table" aria-label="Issued">
              <h2 style={{ padding: "0.5rem 0.6rem 0" }}>Issued</h2>
              <table>
                <thead>
                  <tr>
                    <th>Lot</th>
                    <th>Roll</th>
                    <th className="num">Qty</th>
                    <th className="num">kg</th>
                    <th className="num">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {wo.inputs.map((c) => (
                    <tr key={c.id}>
                      <td>{c.lot_code}</td>
                      <td>{c.roll_code ?? "—"}</td>
                      <td className="num">{fmtNumber(c.qty, 3)}</td>
                      <td className="num">{fmtNumber(c.kg, 3)}</td>
                      <td className="num">{fmtNumber(c.value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <section className="data-table" aria-label="Output">
            <h2 style={{ padding: "0.5rem 0.6rem 0" }}>Output</h2>
            <table>
              <thead>
                <tr>
                  <th>Lot</th>
                  <th>Dye lot</th>
                  <th>QC</th>
                  <th>Rolls</th>
                  <th className="num">Qty</th>
                  <th className="num">kg</th>
                  <th className="num">Loss %</th>
                  <th className="num">Value</th>
                </tr>
              </thead>
              <tbody>
                {wo.outputs.map((o) => (
                  <tr key={o.id}>
                    <td>{o.lot_code}</td>
                    <td>{o.dye_lot || "—"}</td>
                    <td>
                      <StatusBadge status={o.qc_status} />
                    </td>
                    <td>{o.rolls.map((r) => `${r.code} (${fmtNumber(r.length_m)} m)`).join(", ") || "—"}</td>
                    <td className="num">{fmtNumber(o.qty, 3)}</td>
                    <td className="num">{fmtNumber(o.kg, 3)}</td>
                    <td className="num">{fmtNumber(o.process_loss_pct)}</td>
                    <td className="num">{fmtNumber(o.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <h2>Status history</h2>
          <ol className="panel" aria-label="Status history">
            {wo.log.map((s, i) => (
              <li key={i}>
                {fmtDate(s.at)} — {s.from_status || "new"} → <strong>{s.to_status}</strong> by {s.user ?? "system"}
                {s.note ? ` (${s.note})` : ""}
              </li>
            ))}
          </ol>
        </>
      )}
    </QueryState>
  );
}
