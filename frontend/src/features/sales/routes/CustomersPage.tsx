import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DataTable, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { TextField } from "@/components/Field";
import { EditDocumentPanel, rules } from "@/components/EditDocumentPanel";
import { PageHeader } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { useListState } from "@/lib/use-list-state";
import { CUSTOMERS, useCreateCustomer, useCustomerList } from "../api/customers";
import type { Customer } from "../types";

const schema = z.object({
  code: z.string().trim().regex(/^[A-Za-z0-9._-]{1,20}$/, "Letters, digits, dot, dash or underscore (at most 20)."),
  name: z.string().trim().min(1, "Required."),
  address: z.string().trim(),
  points_threshold: z.string().trim().refine((v) => v === "" || Number(v) > 0, "Above zero (40 is common; 28 or 20 for strict buyers)."),
  shade_tolerance: z.string().trim().refine((v) => v === "" || Number(v) > 0, "Above zero (ΔE00)."),
});
type FormValues = z.infer<typeof schema>;

function CustomerForm({ onDone }: { onDone: () => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const create = useCreateCustomer();
  const form = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: { code: "", name: "", address: "", points_threshold: "40", shade_tolerance: "1.00" } });
  const { errors } = form.formState;
  return (
    <form
      className="panel"
      aria-label="New customer"
      noValidate
      onSubmit={form.handleSubmit((v) =>
        create.mutate(
          { body: Object.fromEntries(Object.entries(v).filter(([, x]) => x !== "")) as unknown as FormValues, key: key.current },
          { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))) },
        ),
      )}
    >
      <h2>New customer</h2>
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <TextField label="Code" error={errors.code?.message} {...form.register("code")} />
        <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
        <TextField label="Points threshold (per 100 yd²)" inputMode="decimal" error={errors.points_threshold?.message} {...form.register("points_threshold")} />
        <TextField label="Shade tolerance (ΔE00)" inputMode="decimal" error={errors.shade_tolerance?.message} {...form.register("shade_tolerance")} />
      </div>
      <TextField label="Address" error={errors.address?.message} {...form.register("address")} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Save customer
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const baseColumns: Column<Customer>[] = [
  { key: "code", header: "Code", sortKey: "code" },
  { key: "name", header: "Name", sortKey: "name" },
  { key: "points_threshold", header: "Points threshold", align: "right", render: (c) => fmtNumber(c.points_threshold) },
  { key: "shade_tolerance", header: "ΔE tolerance", align: "right", render: (c) => fmtNumber(c.shade_tolerance) },
  { key: "is_active", header: "Active", render: (c) => (c.is_active ? "yes" : "no") },
];

export function CustomersPage() {
  const list = useListState({ ordering: "code" });
  const query = useCustomerList(list.params);
  const [adding, setAdding] = useState(false);
  const mayEdit = useCan("customer.edit");
  const [editing, setEditing] = useState<Customer | null>(null);
  const columns: Column<Customer>[] = mayEdit
    ? [...baseColumns, { key: "edit", header: "", render: (c) => <button type="button" className="secondary" aria-label={`Edit customer ${c.code}`} onClick={() => setEditing(c)}>Edit</button> }]
    : baseColumns;
  return (
    <>
      <PageHeader
        title="Customers"
        actions={
          <Can action="customer.create">
            {!adding && (
              <button type="button" onClick={() => setAdding(true)}>
                New customer
              </button>
            )}
          </Can>
        }
      />
      {adding && <CustomerForm onDone={() => setAdding(false)} />}
      {editing && (
        <EditDocumentPanel
          key={editing.id}
          path={CUSTOMERS}
          id={editing.id}
          title={`Edit customer ${editing.code}`}
          onDone={() => setEditing(null)}
          fields={[
            { name: "name", label: "Name", validate: rules.required },
            { name: "points_threshold", label: "Points threshold (per 100 yd²)", kind: "decimal", validate: rules.positive },
            { name: "shade_tolerance", label: "Shade tolerance (ΔE00)", kind: "decimal", validate: rules.positive },
            { name: "is_active", label: "Active", kind: "checkbox" },
            { name: "address", label: "Address", kind: "textarea" },
          ]}
        />
      )}
      <DataTable label="Customers" columns={columns} query={query} state={list} />
    </>
  );
}
