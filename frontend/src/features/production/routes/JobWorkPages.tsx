import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { useNavigate, useParams } from "react-router-dom";
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
import { asOptions, useLocations, useMaterials } from "@/lib/lookups";
import { notify } from "@/lib/notifications";
import { can } from "@/lib/roles";
import { useCreateJobWork, useJobWorkAction, useJobWorkDetail } from "../api/job-work";
import { RollsForm } from "../components/RollsForm";
import { StockLinesForm } from "../components/StockLinesForm";
import { STAGES } from "../types";

const schema = z.object({
  partner_location: z.string().min(1, "Choose the dye house's location."),
  output_material: z.string().min(1, "Choose what comes back."),
  stage: z.string().min(1, "Choose the stage."),
  fee_per_kg: z.string().trim().refine((v) => v !== "" && Number(v) >= 0, "0 or more."),
  notes: z.string(),
});
type Values = z.infer<typeof schema>;

export function JobWorkNewPage() {
  const allowed = useCan("jobwork.create");
  const navigate = useNavigate();
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const locations = useLocations({ kind: "subcontractor" });
  const materials = useMaterials();
  const create = useCreateJobWork();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { partner_location: "", output_material: "", stage: "dyeing", fee_per_kg: "0", notes: "" } });
  const { errors } = form.formState;
  const submit = form.handleSubmit((v) => {
    setExtra([]);
    create.mutate(
      { key: key.current, body: { partner_location: Number(v.partner_location), output_material: Number(v.output_material), stage: v.stage, fee_per_kg: v.fee_per_kg, notes: v.notes } },
      { onSuccess: (j) => navigate(`/production/job-work/${j.id}`), onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))) },
    );
  });
  if (!allowed) return <p className="banner banner-info">Only production supervisors create job work.</p>;
  return (
    <>
      <PageHeader title="New job work" />
      <form className="panel" aria-label="New job work" noValidate onSubmit={submit}>
        <ErrorBanner error={create.error} extra={extra} />
        <div className="form-row">
          <SelectField label="Dye house" placeholder="Choose…" options={asOptions(locations.data)} error={errors.partner_location?.message} {...form.register("partner_location")} />
          <SelectField label="Output material" placeholder="Choose…" options={asOptions(materials.data)} error={errors.output_material?.message} {...form.register("output_material")} />
          <SelectField label="Stage" options={STAGES.map((s) => ({ value: s, label: s }))} error={errors.stage?.message} {...form.register("stage")} />
          <TextField label="Fee per kg" inputMode="decimal" error={errors.fee_per_kg?.message} {...form.register("fee_per_kg")} />
        </div>
        <TextAreaField label="Notes" {...form.register("notes")} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Create job work
          </button>
        </div>
      </form>
    </>
  );
}

export function JobWorkDetailPage() {
  const { id } = useParams();
  const query = useJobWorkDetail(id);
  const { data: me } = useMe();
  const perms = me?.permissions;
  const send = useJobWorkAction({ silent: true });
  const receive = useJobWorkAction({ silent: true });
  const transition = useJobWorkAction();
  const materials = useMaterials();
  return (
    <QueryState query={query}>
      {(j) => {
        const output = materials.data?.find((m) => m.id === j.output_material);
        const open = !["reconciled", "cancelled", "closed"].includes(j.status);
        return (
          <>
            <PageHeader
              title={`Job work ${j.number}`}
              actions={
                <TransitionBar
                  pending={transition.isPending}
                  onRun={(action) => transition.mutate({ job: j, action: action as "reconcile" | "cancel" }, { onSuccess: (u) => notify.success(`${u.number} is ${u.status}.`) })}
                  transitions={[
                    { action: "reconcile", label: "Reconcile", visible: open && j.issues.length > 0 && can(perms, "jobwork.reconcile") },
                    { action: "cancel", label: "Cancel job work", variant: "danger", visible: j.issues.length === 0 && open && can(perms, "jobwork.reconcile") },
                  ]}
                />
              }
            >
              <StatusBadge status={j.status} />
              <p className="muted">
                {j.partner} · {j.output_material_code} · {j.stage} · fee {fmtNumber(j.fee_per_kg, 4)}/kg
              </p>
            </PageHeader>
            {j.reconciliation?.kg && (
              <section className="panel" aria-label="Reconciliation">
                <h2>Reconciliation</h2>
                <dl className="facts">
                  {Object.entries(j.reconciliation.kg).map(([k, v]) => (
                    <span key={k} style={{ display: "contents" }}>
                      <dt>{k.replace(/_/g, " ")} kg</dt>
                      <dd>{fmtNumber(v, 3)}</dd>
                    </span>
                  ))}
                  <dt>balanced</dt>
                  <dd>{j.reconciliation.balanced ? "yes" : "no"}</dd>
                </dl>
              </section>
            )}
            {open && can(perms, "jobwork.issue") && (
              <StockLinesForm
                key={`send-${j.version}`}
                label="Send to dye house"
                materials={[]}
                submitLabel="Send"
                pending={send.isPending}
                error={send.error}
                onSubmit={(body, onError) => send.mutate({ job: j, action: "issue", body }, { onSuccess: () => notify.success("Sent to the dye house."), onError })}
              />
            )}
            {open && j.issues.length > 0 && can(perms, "jobwork.receive") && (
              <RollsForm
                key={`recv-${j.version}`}
                label="Receive from dye house"
                fabric={(output?.unit ?? "m") === "m"}
                unit={output?.unit ?? "m"}
                askLocation
                submitLabel="Receive"
                pending={receive.isPending}
                error={receive.error}
                onSubmit={(body, onError) => receive.mutate({ job: j, action: "receive", body }, { onSuccess: () => notify.success("Received."), onError })}
              />
            )}
            <section className="data-table" aria-label="Sent">
              <h2 style={{ padding: "0.5rem 0.6rem 0" }}>Sent</h2>
              <table>
                <thead>
                  <tr>
                    <th>Lot</th>
                    <th>Roll</th>
                    <th className="num">Qty</th>
                    <th className="num">kg</th>
                    <th className="num">Consumed</th>
                    <th className="num">Returned</th>
                  </tr>
                </thead>
                <tbody>
                  {j.issues.map((i) => (
                    <tr key={i.id}>
                      <td>{i.lot_code}</td>
                      <td>{i.roll_code ?? "—"}</td>
                      <td className="num">{fmtNumber(i.qty, 3)}</td>
                      <td className="num">{fmtNumber(i.kg, 3)}</td>
                      <td className="num">{fmtNumber(i.consumed_qty, 3)}</td>
                      <td className="num">{fmtNumber(i.returned_qty, 3)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="data-table" aria-label="Received">
              <h2 style={{ padding: "0.5rem 0.6rem 0" }}>Received</h2>
              <table>
                <thead>
                  <tr>
                    <th>Lot</th>
                    <th>Rolls</th>
                    <th className="num">Qty</th>
                    <th className="num">kg</th>
                    <th>When</th>
                  </tr>
                </thead>
                <tbody>
                  {j.outputs.map((o) => (
                    <tr key={o.id}>
                      <td>{o.lot_code}</td>
                      <td>{o.rolls.map((r) => r.code).join(", ") || "—"}</td>
                      <td className="num">{fmtNumber(o.qty, 3)}</td>
                      <td className="num">{fmtNumber(o.kg, 3)}</td>
                      <td>{fmtDate(o.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </>
        );
      }}
    </QueryState>
  );
}
