import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { applyServerErrors } from "@/lib/forms";
import { fmtDate, fmtNumber, today } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useMaterials, useSuppliers } from "@/lib/lookups";
import { useListState } from "@/lib/use-list-state";
import { useCreatePriceList, usePriceLists } from "../api/price-lists";
import type { PriceList } from "../types";

const schema = z
  .object({
    supplier: z.string().min(1, "Choose a supplier."),
    material: z.string().min(1, "Choose a material."),
    price: z.string().trim().refine((v) => v !== "" && Number(v) >= 0, "Enter a price (0 or more)."),
    currency: z.string().trim().regex(/^[A-Z]{3}$/, "Three capital letters, e.g. EUR."),
    min_order_qty: z.string().trim().refine((v) => v === "" || Number(v) >= 0, "0 or more."),
    lead_time_days: z.string().trim().refine((v) => v === "" || (Number.isInteger(Number(v)) && Number(v) >= 0), "Whole days."),
    valid_from: z.string().min(1, "Required."),
    valid_to: z.string(),
  })
  .refine((v) => !v.valid_to || v.valid_to >= v.valid_from, { path: ["valid_to"], message: "Must not be before 'valid from'." });
type FormValues = z.infer<typeof schema>;

function PriceListForm({ onDone }: { onDone: () => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const suppliers = useSuppliers();
  const materials = useMaterials();
  const create = useCreatePriceList();
  const form = useForm<FormValues>({
    resolver: zodResolver(schema),
    defaultValues: { supplier: "", material: "", price: "", currency: "EUR", min_order_qty: "", lead_time_days: "", valid_from: today(), valid_to: "" },
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit((v) => {
    const body = {
      supplier: Number(v.supplier),
      material: Number(v.material),
      price: v.price,
      currency: v.currency,
      valid_from: v.valid_from,
      ...(v.valid_to ? { valid_to: v.valid_to } : {}),
      ...(v.min_order_qty ? { min_order_qty: v.min_order_qty } : {}),
      ...(v.lead_time_days ? { lead_time_days: Number(v.lead_time_days) } : {}),
    };
    create.mutate({ body, key: key.current }, { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))) });
  });
  return (
    <form className="panel" aria-label="New price" noValidate onSubmit={submit}>
      <h2>New price</h2>
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <SelectField label="Supplier" placeholder="Choose…" options={asOptions(suppliers.data)} error={errors.supplier?.message} {...form.register("supplier")} />
        <SelectField label="Material" placeholder="Choose…" options={asOptions(materials.data)} error={errors.material?.message} {...form.register("material")} />
        <TextField label="Price" inputMode="decimal" error={errors.price?.message} {...form.register("price")} />
        <TextField label="Currency" error={errors.currency?.message} {...form.register("currency")} />
      </div>
      <div className="form-row">
        <TextField label="Minimum order qty" inputMode="decimal" error={errors.min_order_qty?.message} {...form.register("min_order_qty")} />
        <TextField label="Lead time (days)" inputMode="numeric" error={errors.lead_time_days?.message} {...form.register("lead_time_days")} />
        <TextField label="Valid from" type="date" error={errors.valid_from?.message} {...form.register("valid_from")} />
        <TextField label="Valid to" type="date" error={errors.valid_to?.message} {...form.register("valid_to")} />
      </div>
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Save price
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const columns: Column<PriceList>[] = [
  { key: "supplier_code", header: "Supplier" },
  { key: "material_code", header: "Material" },
  { key: "price", header: "Price", sortKey: "price", align: "right", render: (p) => `${fmtNumber(p.price, 4)} ${p.currency}/${p.unit}` },
  { key: "min_order_qty", header: "MOQ", align: "right", render: (p) => fmtNumber(p.min_order_qty) },
  { key: "lead_time_days", header: "Lead days", align: "right" },
  { key: "valid_from", header: "Valid from", sortKey: "valid_from", render: (p) => fmtDate(p.valid_from) },
  { key: "valid_to", header: "Valid to", render: (p) => fmtDate(p.valid_to) },
];

export function PriceListsPage() {
  const list = useListState({ ordering: "-valid_from" });
  const query = usePriceLists(list.params);
  const suppliers = useSuppliers();
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHeader
        title="Price lists"
        actions={
          <Can action="pricelist.edit">
            {!adding && (
              <button type="button" onClick={() => setAdding(true)}>
                New price
              </button>
            )}
          </Can>
        }
      />
      {adding && <PriceListForm onDone={() => setAdding(false)} />}
      <DataTable
        label="Price lists"
        columns={columns}
        query={query}
        state={list}
        filters={<FilterSelect state={list} name="supplier" label="Supplier" options={asOptions(suppliers.data).map((o) => ({ value: String(o.value), label: o.label }))} />}
      />
    </>
  );
}
