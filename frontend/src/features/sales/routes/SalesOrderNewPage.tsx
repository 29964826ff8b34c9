import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { useNavigate } from "react-router-dom";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber, today } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useCustomers, useMaterials } from "@/lib/lookups";
import { useCreateSalesOrder } from "../api/orders";

const schema = z.object({
  customer: z.string().min(1, "Choose a customer."),
  order_date: z.string().min(1, "Required."),
  customer_ref: z.string().trim().max(60),
  lines: z
    .array(
      z.object({
        material: z.string().min(1, "Choose a fabric."),
        qty: z.string().trim().refine((v) => Number(v) > 0, "Metres above zero."),
        unit_price: z.string().trim().refine((v) => v !== "" && Number(v) >= 0, "Price per metre (0 or more)."),
        requested_date: z.string().min(1, "Required."),
      }),
    )
    .min(1, "Add at least one line."),
});
type FormValues = z.infer<typeof schema>;

export function SalesOrderNewPage() {
  const allowed = useCan("so.create");
  const navigate = useNavigate();
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const customers = useCustomers();
  const materials = useMaterials({ kind__in: "finished,greige,garment" });
  const create = useCreateSalesOrder();
  const emptyLine = { material: "", qty: "", unit_price: "", requested_date: today() };
  const form = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: { customer: "", order_date: today(), customer_ref: "", lines: [emptyLine] } });
  const lines = useFieldArray({ control: form.control, name: "lines" });
  const watched = form.watch("lines");
  const { errors } = form.formState;
  const submit = form.handleSubmit((v) =>
    create.mutate(
      {
        body: {
          customer: Number(v.customer),
          order_date: v.order_date,
          customer_ref: v.customer_ref,
          lines: v.lines.map((l) => ({ ...l, material: Number(l.material) })),
        },
        key: key.current,
      },
      {
        onSuccess: (order) => navigate(`/sales/orders/${order.id}`),
        onError: (e) => setExtra(applyServerErrors(e, form.setError, (n) => /^(customer|order_date|customer_ref|lines\.\d+\.(material|qty|unit_price|requested_date))$/.test(n))),
      },
    ),
  );
  if (!allowed) return <p className="banner banner-info">Only sales clerks create sales orders.</p>;
  return (
    <>
      <PageHeader title="New sales order" />
      <form className="panel" onSubmit={submit} noValidate aria-label="New sales order">
        <ErrorBanner error={create.error} extra={extra} />
        <div className="form-row">
          <SelectField label="Customer" placeholder="Choose…" options={asOptions(customers.data)} error={errors.customer?.message} {...form.register("customer")} />
          <TextField label="Order date" type="date" error={errors.order_date?.message} {...form.register("order_date")} />
          <TextField label="Customer reference" error={errors.customer_ref?.message} {...form.register("customer_ref")} />
        </div>
        <table className="line-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Fabric</th>
              <th className="num">Metres</th>
              <th className="num">Price / m</th>
              <th>Requested</th>
              <th className="num">Amount</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.fields.map((f, i) => (
              <tr key={f.id}>
                <td>{i + 1}</td>
                <td>
                  <SelectField label={`Line ${i + 1} fabric`} placeholder="Choose…" options={asOptions(materials.data)} error={errors.lines?.[i]?.material?.message} {...form.register(`lines.${i}.material`)} />
                </td>
                <td>
                  <TextField label={`Line ${i + 1} metres`} inputMode="decimal" error={errors.lines?.[i]?.qty?.message} {...form.register(`lines.${i}.qty`)} />
                </td>
                <td>
                  <TextField label={`Line ${i + 1} price per metre`} inputMode="decimal" error={errors.lines?.[i]?.unit_price?.message} {...form.register(`lines.${i}.unit_price`)} />
                </td>
                <td>
                  <TextField label={`Line ${i + 1} requested date`} type="date" error={errors.lines?.[i]?.requested_date?.message} {...form.register(`lines.${i}.requested_date`)} />
                </td>
                <td className="num">{fmtNumber((Number(watched[i]?.qty) || 0) * (Number(watched[i]?.unit_price) || 0))}</td>
                <td>
                  <button type="button" className="secondary" disabled={lines.fields.length === 1} onClick={() => lines.remove(i)} aria-label={`Remove line ${i + 1}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="actions" style={{ margin: "0.5rem 0" }}>
          <button type="button" className="secondary" onClick={() => lines.append(emptyLine)}>
            Add line
          </button>
        </div>
        <button type="submit" disabled={create.isPending}>
          Create draft
        </button>
      </form>
    </>
  );
}
