import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { TextField } from "@/components/Field";
import { EditDocumentPanel, rules } from "@/components/EditDocumentPanel";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { useListState } from "@/lib/use-list-state";
import { SUPPLIERS, useSaveSupplier, useSupplierList } from "../api/suppliers";
import type { Supplier } from "../types";

const schema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,40}$/, "Letters, digits, dot, dash or underscore (at most 40)."),
  name: z.string().trim().min(1, "Required.").max(200),
  payment_terms: z.string().trim().max(120),
  address: z.string().trim(),
});
type FormValues = z.infer<typeof schema>;

function SupplierForm({ onDone }: { onDone: () => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const form = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: { code: "", name: "", payment_terms: "", address: "" } });
  const save = useSaveSupplier();
  const { errors } = form.formState;
  return (
    <form
      className="panel"
      aria-label="New supplier"
      noValidate
      onSubmit={form.handleSubmit((body) =>
        save.mutate(
          { body, key: key.current },
          {
            onSuccess: () => onDone(),
            onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(body))),
          },
        ),
      )}
    >
      <h2>New supplier</h2>
      <ErrorBanner error={save.error} extra={extra} />
      <div className="form-row">
        <TextField label="Code" error={errors.code?.message} {...form.register("code")} />
        <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
        <TextField label="Payment terms" error={errors.payment_terms?.message} {...form.register("payment_terms")} />
        <TextField label="Address" error={errors.address?.message} {...form.register("address")} />
      </div>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save supplier
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const baseColumns: Column<Supplier>[] = [
  { key: "code", header: "Code", sortKey: "code" },
  { key: "name", header: "Name", sortKey: "name" },
  { key: "payment_terms", header: "Terms" },
  { key: "score", header: "Score", sortKey: "score", align: "right", render: (s) => fmtNumber(s.score) },
  { key: "standing", header: "Standing", render: (s) => (s.standing ? <StatusBadge status={s.standing} /> : "—") },
  { key: "is_active", header: "Active", render: (s) => (s.is_active ? "yes" : "no") },
];

export function SuppliersPage() {
  const list = useListState({ ordering: "code" });
  const query = useSupplierList(list.params);
  const [adding, setAdding] = useState(false);
  const mayEdit = useCan("supplier.edit");
  const [editing, setEditing] = useState<Supplier | null>(null);
  const columns: Column<Supplier>[] = mayEdit
    ? [...baseColumns, { key: "edit", header: "", render: (s) => <button type="button" className="secondary" aria-label={`Edit supplier ${s.code}`} onClick={() => setEditing(s)}>Edit</button> }]
    : baseColumns;
  return (
    <>
      <PageHeader
        title="Suppliers"
        actions={
          <Can action="supplier.create">
            {!adding && (
              <button type="button" onClick={() => setAdding(true)}>
                New supplier
              </button>
            )}
          </Can>
        }
      />
      {adding && <SupplierForm onDone={() => setAdding(false)} />}
      {editing && (
        <EditDocumentPanel
          key={editing.id}
          path={SUPPLIERS}
          id={editing.id}
          title={`Edit supplier ${editing.code}`}
          onDone={() => setEditing(null)}
          fields={[
            { name: "name", label: "Name", validate: rules.required },
            { name: "payment_terms", label: "Payment terms" },
            { name: "is_active", label: "Active", kind: "checkbox" },
            { name: "address", label: "Address", kind: "textarea" },
          ]}
        />
      )}
      <DataTable
        label="Suppliers"
        columns={columns}
        query={query}
        state={list}
        filters={
          <FilterSelect
            state={list}
            name="standing"
            label="Standing"
            options={["very_poor", "poor", "average", "good"].map((s) => ({ value: s, label: s.replace("_", " ") }))}
          />
        }
      />
    </>
  );
}
