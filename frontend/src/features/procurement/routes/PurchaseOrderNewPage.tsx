import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { useNavigate } from "react-router-dom";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextAreaField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber, today } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useMaterials, useSuppliers, useWarehouses } from "@/lib/lookups";
import { useCreatePurchaseOrder } from "../api/purchase-orders";

const positive = (msg: string) => z.string().trim().refine((v) => v !== "" && Number(v) > 0, msg);

const schema = z.object({
  supplier: z.string().min(1, "Choose a supplier."),
  warehouse: z.string().min(1, "Choose the receiving warehouse."),
  order_date: z.string().min(1, "Required."),
  expected_date: z.string(),
  currency: z.string().trim().regex(/^[A-Z]{3}$/, "Three capital letters, e.g. EUR."),
  notes: z.string(),
  lines: z
    .array(
      z.object({
        material: z.string().min(1, "Choose a material."),
        qty: positive("Enter a quantity above zero."),
        unit_price: z.string().trim().refine((v) => v === "" || Number(v) >= 0, "0 or more (blank = price list)."),
        promised_date: z.string(),
      }),
    )
    .min(1, "Add at least one line."),
});
type FormValues = z.infer<typeof schema>;
const emptyLine = { material: "", qty: "", unit_price: "", promised_date: "" };

export function PurchaseOrderNewPage() {
  const allowed = useCan("po.create");
  const navigate = useNavigate();
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const suppliers = useSuppliers();
  const warehouses = useWarehouses();
  const materials = useMaterials();
  const create = useCreatePurchaseOrder();
  const form = useForm<FormValues>({
    resolver: zodResolver(schema),
    defaultValues: { supplier: "", warehouse: "", order_date: today(), expected_date: "", currency: "EUR", notes: "", lines: [emptyLine] },
  });
  const lines = useFieldArray({ control: form.control, name: "lines" });
  const { errors } = form.formState;
  const watched = form.watch("lines");
  const unitOf = (id: string) => materials.data?.find((m) => String(m.id) === id)?.unit ?? "";
  const total = watched.reduce((sum, l) => sum + (Number(l.qty) || 0) * (Number(l.unit_price) || 0), 0);

  const submit = form.handleSubmit((v) => {
    setExtra([]);
    const body = {
      supplier: Number(v.supplier),
      warehouse: Number(v.warehouse),
      order_date: v.order_date,
      expected_date: v.expected_date || null,
      currency: v.currency,
      notes: v.notes,
      lines: v.lines.map((l) => ({
        material: Number(l.material),
        qty: l.qty,
        ...(l.unit_price !== "" ? { unit_price: l.unit_price } : {}),
        ...(l.promised_date ? { promised_date: l.promised_date } : {}),
      })),
    };
    create.mutate(
      { body, key: key.current },
      {
        onSuccess: (order) => navigate(`/procurement/purchase-orders/${order.id}`),
        onError: (e) => setExtra(applyServerErrors(e, form.setError, (name) => /^(supplier|warehouse|order_date|expected_date|currency|notes|lines\.\d+\.(material|qty|unit_price|promised_date))$/.test(name))),
      },
    );
  });

  if (!allowed) return <p className="banner banner-info">Only purchasers create purchase orders.</p>;
  return (
    <>
      <PageHeader title="New purchase order" />
      <form className="panel" onSubmit={submit} noValidate aria-label="New purchase order">
        <ErrorBanner error={create.error} extra={extra} />
        <div className="form-row">
          <SelectField label="Supplier" placeholder="Choose…" options={asOptions(suppliers.data)} error={errors.supplier?.message} {...form.register("supplier")} />
          <SelectField label="Warehouse" placeholder="Choose…" options={asOptions(warehouses.data)} error={errors.warehouse?.message} {...form.register("warehouse")} />
          <TextField label="Order date" type="date" error={errors.order_date?.message} {...form.register("order_date")} />
          <TextField label="Expected date" type="date" error={errors.expected_date?.message} {...form.register("expected_date")} />
          <TextField label="Currency" error={errors.currency?.message} {...form.register("currency")} />
        </div>
        <h2>Lines</h2>
        {errors.lines?.root?.message || errors.lines?.message ? (
          <p className="field-error" role="alert">
            {errors.lines?.root?.message ?? errors.lines?.message}
          </p>
        ) : null}
        <table className="line-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Material</th>
              <th className="num">Quantity</th>
              <th className="num">Unit price</th>
              <th>Promised</th>
              <th className="num">Amount</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.fields.map((field, i) => (
              <tr key={field.id}>
                <td>{i + 1}</td>
                <td>
                  <SelectField
                    label={`Line ${i + 1} material`}
                    placeholder="Choose…"
                    options={asOptions(materials.data)}
                    error={errors.lines?.[i]?.material?.message}
                    {...form.register(`lines.${i}.material`)}
                  />
                </td>
                <td>
                  <TextField
                    label={`Line ${i + 1} quantity`}
                    inputMode="decimal"
                    hint={unitOf(watched[i]?.material ?? "")}
                    error={errors.lines?.[i]?.qty?.message}
                    {...form.register(`lines.${i}.qty`)}
                  />
                </td>
                <td>
                  <TextField
                    label={`Line ${i + 1} unit price`}
                    inputMode="decimal"
                    placeholder="price list"
                    error={errors.lines?.[i]?.unit_price?.message}
                    {...form.register(`lines.${i}.unit_price`)}
                  />
                </td>
                <td>
                  <TextField label={`Line ${i + 1} promised date`} type="date" error={errors.lines?.[i]?.promised_date?.message} {...form.register(`lines.${i}.promised_date`)} />
                </td>
                <td className="num">{fmtNumber((Number(watched[i]?.qty) || 0) * (Number(watched[i]?.unit_price) || 0))}</td>
                <td>
                  <button type="button" className="secondary" aria-label={`Remove line ${i + 1}`} disabled={lines.fields.length === 1} onClick={() => lines.remove(i)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="actions" style={{ marginTop: "0.5rem" }}>
          <button type="button" className="secondary" onClick={() => lines.append(emptyLine)}>
            Add line
          </button>
          <span className="muted">Total (lines with a price): {fmtNumber(total)} {form.watch("currency")}</span>
        </div>
        <TextAreaField label="Notes" {...form.register("notes")} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? "Saving…" : "Create draft"}
          </button>
        </div>
      </form>
    </>
  );
}
