import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { Link, useNavigate, useParams } from "react-router-dom";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextAreaField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useMaterials } from "@/lib/lookups";
import { useBom, useCreateBom } from "../api/boms";
import { STAGES } from "../types";

const schema = z.object({
  code: z.string().trim().min(1, "Required.").max(40, "At most 40 characters."),
  product: z.string().min(1, "Choose the product this BOM makes."),
  stage: z.string().min(1, "Choose the stage."),
  conversion_cost: z.string().trim().refine((v) => v === "" || Number(v) >= 0, "0 or more."),
  notes: z.string(),
  components: z
    .array(
      z.object({
        material: z.string().min(1, "Choose a material."),
        qty_per_unit: z.string().trim().refine((v) => v !== "" && Number(v) > 0, "Above zero."),
        basis: z.string(),
        loss_pct: z.string().trim().refine((v) => v === "" || (Number(v) >= 0 && Number(v) < 100), "From 0 to below 100."),
      }),
    )
    .min(1, "Add at least one component."),
});
type Values = z.infer<typeof schema>;
const emptyComponent = { material: "", qty_per_unit: "", basis: "unit", loss_pct: "0" };
const KNOWN = /^(code|product|stage|conversion_cost|notes|components|components\.\d+\.(material|qty_per_unit|basis|loss_pct))$/;

export function BomNewPage() {
  const allowed = useCan("bom.create");
  const navigate = useNavigate();
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const materials = useMaterials();
  const create = useCreateBom();
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { code: "", product: "", stage: "", conversion_cost: "0", notes: "", components: [emptyComponent] },
  });
  const components = useFieldArray({ control: form.control, name: "components" });
  const { errors } = form.formState;
  const submit = form.handleSubmit((v) => {
    setExtra([]);
    create.mutate(
      {
        key: key.current,
        body: {
          code: v.code.trim(),
          product: Number(v.product),
          stage: v.stage,
          conversion_cost: v.conversion_cost || "0",
          notes: v.notes,
          components: v.components.map((c) => ({ material: Number(c.material), qty_per_unit: c.qty_per_unit, basis: c.basis, loss_pct: c.loss_pct || "0" })),
        },
      },
      {
        onSuccess: (bom) => navigate(`/production/boms/${bom.id}`),
        onError: (e) => setExtra(applyServerErrors(e, form.setError, (n) => KNOWN.test(n))),
      },
    );
  });
  if (!allowed) return <p className="banner banner-info">Only production supervisors keep BOMs.</p>;
  return (
    <>
      <PageHeader title="New bill of materials" />
      <form className="panel" aria-label="New BOM" noValidate onSubmit={submit}>
        <ErrorBanner error={create.error} extra={extra} />
        <div className="form-row">
          <TextField label="BOM code" error={errors.code?.message} {...form.register("code")} />
          <SelectField label="Product" placeholder="Choose…" options={asOptions(materials.data)} error={errors.product?.message} {...form.register("product")} />
          <SelectField label="Stage" placeholder="Choose…" options={STAGES.map((s) => ({ value: s, label: s }))} error={errors.stage?.message} {...form.register("stage")} />
          <TextField label="Conversion cost per unit" inputMode="decimal" error={errors.conversion_cost?.message} {...form.register("conversion_cost")} />
        </div>
        <h2>Components</h2>
        {errors.components?.root?.message || errors.components?.message ? (
          <p className="field-error" role="alert">
            {errors.components?.root?.message ?? errors.components?.message}
          </p>
        ) : null}
        {components.fields.map((field, i) => (
          <div className="form-row" key={field.id}>
            <SelectField label={`Component ${i + 1} material`} placeholder="Choose…" options={asOptions(materials.data)} error={errors.components?.[i]?.material?.message} {...form.register(`components.${i}.material`)} />
            <TextField label={`Component ${i + 1} quantity per unit`} inputMode="decimal" error={errors.components?.[i]?.qty_per_unit?.message} {...form.register(`components.${i}.qty_per_unit`)} />
            <SelectField
              label={`Component ${i + 1} basis`}
              options={[
                { value: "unit", label: "per stock unit of output" },
                { value: "kg", label: "per kg of output" },
              ]}
              error={errors.components?.[i]?.basis?.message}
              {...form.register(`components.${i}.basis`)}
            />
            <TextField label={`Component ${i + 1} loss %`} inputMode="decimal" error={errors.components?.[i]?.loss_pct?.message} {...form.register(`components.${i}.loss_pct`)} />
            <button type="button" className="secondary" aria-label={`Remove component ${i + 1}`} disabled={components.fields.length === 1} onClick={() => components.remove(i)}>
              Remove
            </button>
          </div>
        ))}
        <div className="actions">
          <button type="button" className="secondary" onClick={() => components.append(emptyComponent)}>
            Add component
          </button>
        </div>
        <TextAreaField label="Notes" {...form.register("notes")} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Save BOM
          </button>
        </div>
      </form>
    </>
  );
}

export function BomDetailPage() {
  const { id } = useParams();
  const bom = useBom(id);
  return (
    <QueryState query={bom}>
      {(b) => (
        <>
          <PageHeader
            title={`BOM ${b.code}`}
            actions={
              <Link className="button secondary" to={`/production/work-orders/new?bom=${b.id}`}>
                New work order from this BOM
              </Link>
            }
          >
            <p className="muted">
              {b.product_code} · {b.stage} · conversion {fmtNumber(b.conversion_cost, 4)} per {b.unit} · {b.is_active ? "active" : "inactive"}
            </p>
          </PageHeader>
          <section className="data-table" aria-label="Components">
            <table>
              <thead>
                <tr>
                  <th>Material</th>
                  <th className="num">Per unit</th>
                  <th>Basis</th>
                  <th className="num">Loss %</th>
                </tr>
              </thead>
              <tbody>
                {b.components.map((c) => (
                  <tr key={c.id}>
                    <td>{c.material_code}</td>
                    <td className="num">
                      {fmtNumber(c.qty_per_unit, 6)} {c.unit}
                    </td>
                    <td>{c.basis}</td>
                    <td className="num">{fmtNumber(c.loss_pct)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {b.notes ? <p>{b.notes}</p> : null}
        </>
      )}
    </QueryState>
  );
}
