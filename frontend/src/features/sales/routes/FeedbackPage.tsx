import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextAreaField, TextField } from "@/components/Field";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { applyServerErrors } from "@/lib/forms";
import { fmtDate } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useCustomers } from "@/lib/lookups";
import { useListState } from "@/lib/use-list-state";
import { useCreateFeedback, useFeedbackList } from "../api/feedback";
import { useShipments } from "../api/shipments";
import type { Feedback } from "../types";

const CATEGORIES = ["shade", "defect", "width", "weight", "shrinkage", "delivery", "quantity", "other"];

const schema = z
  .object({
    customer: z.string().min(1, "Choose a customer."),
    kind: z.enum(["feedback", "complaint"]),
    category: z.string(),
    shipment: z.string(),
    rating: z.string().refine((v) => v === "" || (Number(v) >= 1 && Number(v) <= 5), "1 to 5."),
    description: z.string().trim().min(1, "Describe it."),
  })
  .refine((v) => v.kind !== "complaint" || v.shipment !== "", { path: ["shipment"], message: "A complaint names the shipment." });
type FormValues = z.infer<typeof schema>;

function FeedbackForm({ onDone }: { onDone: () => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const customers = useCustomers();
  const form = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: { customer: "", kind: "complaint", category: "shade", shipment: "", rating: "", description: "" } });
  const customer = form.watch("customer");
  const shipments = useShipments({ customer, page_size: 100 }, Boolean(customer));
  const create = useCreateFeedback();
  const { errors } = form.formState;
  return (
    <form
      className="panel"
      aria-label="New feedback"
      noValidate
      onSubmit={form.handleSubmit((v) =>
        create.mutate(
          {
            body: {
              customer: Number(v.customer),
              kind: v.kind,
              category: v.category,
              description: v.description,
              shipment: v.shipment ? Number(v.shipment) : null,
              rating: v.rating ? Number(v.rating) : null,
            },
            key: key.current,
          },
          { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))) },
        ),
      )}
    >
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <SelectField label="Customer" placeholder="Choose…" options={asOptions(customers.data)} error={errors.customer?.message} {...form.register("customer")} />
        <SelectField label="Kind" options={[{ value: "complaint", label: "complaint" }, { value: "feedback", label: "feedback" }]} {...form.register("kind")} />
        <SelectField label="Category" options={CATEGORIES.map((c) => ({ value: c, label: c }))} {...form.register("category")} />
        <SelectField
          label="Shipment"
          placeholder="—"
          options={(shipments.data?.results ?? []).map((s) => ({ value: s.id, label: `${s.number} · ${fmtDate(s.shipped_at)}` }))}
          error={errors.shipment?.message}
          {...form.register("shipment")}
        />
        <TextField label="Rating (1–5)" inputMode="numeric" error={errors.rating?.message} {...form.register("rating")} />
      </div>
      <TextAreaField label="Description" error={errors.description?.message} {...form.register("description")} />
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

const columns: Column<Feedback>[] = [
  { key: "number", header: "Number", sortKey: "number" },
  { key: "customer_code", header: "Customer" },
  { key: "kind", header: "Kind" },
  { key: "category", header: "Category" },
  { key: "shipment_number", header: "Shipment" },
  { key: "status", header: "Status", render: (f) => <StatusBadge status={f.status} /> },
  { key: "received_at", header: "Received", sortKey: "received_at", render: (f) => fmtDate(f.received_at) },
  { key: "description", header: "Description", render: (f) => (f.description.length > 60 ? `${f.description.slice(0, 60)}…` : f.description) },
];

export function FeedbackPage() {
  const list = useListState({ ordering: "-received_at" });
  const query = useFeedbackList(list.params);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHeader
        title="Customer feedback and complaints"
        actions={
          <Can action="feedback.create">
            {!adding && (
              <button type="button" onClick={() => setAdding(true)}>
                Record feedback
              </button>
            )}
          </Can>
        }
      />
      {adding && <FeedbackForm onDone={() => setAdding(false)} />}
      <DataTable
        label="Feedback"
        columns={columns}
        query={query}
        state={list}
        filters={
          <>
            <FilterSelect state={list} name="kind" label="Kind" options={[{ value: "complaint", label: "complaint" }, { value: "feedback", label: "feedback" }]} />
            <FilterSelect state={list} name="status" label="Status" options={["open", "investigating", "resolved", "closed"].map((v) => ({ value: v, label: v }))} />
          </>
        }
      />
    </>
  );
}
