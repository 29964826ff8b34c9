import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextAreaField } from "@/components/Field";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { applyServerErrors } from "@/lib/forms";
import { fmtDate } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { useListState } from "@/lib/use-list-state";
import { useInspectableLots } from "../api/lot-disposition";
import { useCreateNonConformance, useNonConformances } from "../api/non-conformances";
import type { NonConformance } from "../types";

const schema = z.object({
  lot: z.string(),
  description: z.string().trim().min(1, "Describe the non-conformance."),
  root_cause: z.string().trim(),
  action: z.string().trim(),
});
type FormValues = z.infer<typeof schema>;

function NonConformanceForm({ onDone }: { onDone: () => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const lots = useInspectableLots({ page_size: 100, ordering: "-id" });
  const create = useCreateNonConformance();
  const form = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: { lot: "", description: "", root_cause: "", action: "" } });
  const { errors } = form.formState;
  return (
    <form
      className="panel"
      aria-label="New non-conformance"
      noValidate
      onSubmit={form.handleSubmit((v) =>
        create.mutate(
          { body: { ...v, lot: v.lot ? Number(v.lot) : null }, key: key.current },
          { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))) },
        ),
      )}
    >
      <ErrorBanner error={create.error} extra={extra} />
      <SelectField label="Lot" placeholder="—" options={(lots.data?.results ?? []).map((l) => ({ value: l.id, label: l.code }))} error={errors.lot?.message} {...form.register("lot")} />
      <TextAreaField label="Description" error={errors.description?.message} {...form.register("description")} />
      <TextAreaField label="Root cause" {...form.register("root_cause")} />
      <TextAreaField label="Action" {...form.register("action")} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Record
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const columns: Column<NonConformance>[] = [
  { key: "number", header: "Number", sortKey: "number" },
  { key: "lot_code", header: "Lot" },
  { key: "reason", header: "Reason" },
  { key: "status", header: "Status", sortKey: "status", render: (n) => <StatusBadge status={n.status} /> },
  { key: "description", header: "Description", render: (n) => (n.description.length > 60 ? `${n.description.slice(0, 60)}…` : n.description) },
  { key: "created_at", header: "Raised", sortKey: "created_at", render: (n) => fmtDate(n.created_at) },
];

export function NonConformancesPage() {
  const list = useListState({ ordering: "-created_at" });
  const query = useNonConformances(list.params);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHeader
        title="Non-conformances"
        actions={
          <Can action="ncr.edit">
            {!adding && (
              <button type="button" onClick={() => setAdding(true)}>
                New non-conformance
              </button>
            )}
          </Can>
        }
      />
      {adding && <NonConformanceForm onDone={() => setAdding(false)} />}
      <DataTable
        label="Non-conformances"
        columns={columns}
        query={query}
        state={list}
        filters={<FilterSelect state={list} name="status" label="Status" options={["open", "investigating", "closed"].map((s) => ({ value: s, label: s }))} />}
      />
    </>
  );
}
