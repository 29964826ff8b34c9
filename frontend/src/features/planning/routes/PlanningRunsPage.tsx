import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router-dom";
import { z } from "zod";
import { DataTable, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { applyServerErrors } from "@/lib/forms";
import { fmtDate } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useWarehouses } from "@/lib/lookups";
import { useListState } from "@/lib/use-list-state";
import { useJobProgress, useRuns, useStartRun } from "../api/runs";
import type { PlanningRun } from "../types";

const schema = z.object({
  horizon_weeks: z
    .string()
    .trim()
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 104, "Whole weeks from 1 to 104."),
  lot_sizing: z.enum(["auto", "lot_for_lot"]),
  warehouse: z.string(),
  note: z.string().max(255, "At most 255 characters."),
});
type Values = z.infer<typeof schema>;

/** A started run's job, polled through the jobs API until it ends. */
export function RunProgress({ run }: { run: PlanningRun }) {
  const job = useJobProgress(run.job);
  const status = job.data?.status ?? run.status ?? "queued";
  const progress = job.data?.progress ?? run.progress ?? 0;
  return (
    <div className="panel" role="status" aria-label={`Run ${run.id} progress`}>
      <p>
        Run #{run.id}: <StatusBadge status={status} /> {progress}%{job.data?.message ? ` — ${job.data.message}` : ""}
      </p>
      <progress max={100} value={progress} aria-label="Planning progress" />
      {status === "succeeded" && (
        <p>
          <Link to={`/planning/runs/${run.id}`}>Open run #{run.id}</Link>
        </p>
      )}
      {status === "failed" && <p className="field-error">The run failed: {String((job.data?.error as { message?: string } | null)?.message ?? job.data?.message ?? "see the job")}</p>}
    </div>
  );
}

function NewRunForm({ onStarted }: { onStarted: (run: PlanningRun) => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const warehouses = useWarehouses();
  const start = useStartRun();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { horizon_weeks: "12", lot_sizing: "auto", warehouse: "", note: "" } });
  const { errors } = form.formState;
  return (
    <form
      className="panel"
      aria-label="New planning run"
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setExtra([]);
        start.mutate(
          { key: key.current, body: { horizon_weeks: Number(v.horizon_weeks), lot_sizing: v.lot_sizing, warehouse: v.warehouse ? Number(v.warehouse) : null, note: v.note } },
          {
            onSuccess: (run) => {
              key.current = newIdempotencyKey();
              onStarted(run);
            },
            onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))),
          },
        );
      })}
    >
      <h2>Start a planning run</h2>
      <ErrorBanner error={start.error} extra={extra} />
      <div className="form-row">
        <TextField label="Horizon (weeks)" inputMode="numeric" error={errors.horizon_weeks?.message} {...form.register("horizon_weeks")} />
        <SelectField
          label="Lot sizing"
          options={[
            { value: "auto", label: "reorder rules (auto)" },
            { value: "lot_for_lot", label: "lot for lot" },
          ]}
          error={errors.lot_sizing?.message}
          {...form.register("lot_sizing")}
        />
        <SelectField label="Warehouse" placeholder="all" options={asOptions(warehouses.data)} error={errors.warehouse?.message} {...form.register("warehouse")} />
        <TextField label="Note" error={errors.note?.message} {...form.register("note")} />
      </div>
      <button type="submit" disabled={start.isPending}>
        Start run
      </button>
    </form>
  );
}

const summaryText = (s: PlanningRun["summary"]) =>
  s
    ? Object.entries(s)
        .filter(([, v]) => typeof v === "number" || typeof v === "string")
        .map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`)
        .join(" · ")
    : "—";

const columns: Column<PlanningRun>[] = [
  { key: "id", header: "Run", sortKey: "id", render: (r) => <Link to={`/planning/runs/${r.id}`}>#{r.id}</Link> },
  { key: "status", header: "Status", render: (r) => <StatusBadge status={r.status} /> },
  { key: "run_date", header: "Run date", sortKey: "run_date", render: (r) => fmtDate(r.run_date) },
  { key: "horizon_weeks", header: "Weeks", align: "right" },
  { key: "lot_sizing", header: "Lot sizing" },
  { key: "summary", header: "Result", render: (r) => summaryText(r.summary) },
  { key: "created_by", header: "By" },
  { key: "note", header: "Note" },
];

export function PlanningRunsPage() {
  const list = useListState({ ordering: "-id" });
  const runs = useRuns(list.params);
  const [started, setStarted] = useState<PlanningRun | null>(null);
  return (
    <>
      <PageHeader title="Planning runs">
        <p className="muted">MRP from confirmed orders and the accepted forecast through the stage BOMs to planned work orders and purchase orders.</p>
      </PageHeader>
      <Can action="planning.run">
        <NewRunForm onStarted={setStarted} />
      </Can>
      {started && <RunProgress run={started} />}
      <DataTable label="Planning runs" columns={columns} query={runs} state={list} searchable={false} />
    </>
  );
}
