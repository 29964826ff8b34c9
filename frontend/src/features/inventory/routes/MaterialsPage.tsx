import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { EditDocumentPanel, rules } from "@/components/EditDocumentPanel";
import { PageHeader } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { useListState } from "@/lib/use-list-state";
import { MATERIALS, useCreateMaterial, useMaterialList } from "../api/materials";
import type { Material } from "../types";

export const MATERIAL_KINDS = ["fibre", "yarn", "greige", "finished", "dye", "chemical", "accessory", "garment"];
const FABRIC = ["greige", "finished"];

const optionalPositive = z
  .string()
  .trim()
  .refine((v) => v === "" || Number(v) > 0, "Must be a positive number.");

const schema = z
  .object({
    code: z.string().trim().min(1, "Required.").max(40),
    name: z.string().trim().min(1, "Required.").max(200),
    kind: z.enum(MATERIAL_KINDS as [string, ...string[]], { errorMap: () => ({ message: "Choose a kind." }) }),
    article: z.string().trim().max(40),
    gsm: optionalPositive,
    width_cm: optionalPositive,
    shade_code: z.string().trim().max(40),
    standard_cost: z.string().trim().refine((v) => v === "" || Number(v) >= 0, "Must be zero or more."),
  })
  .superRefine((v, ctx) => {
    if (FABRIC.includes(v.kind)) {
      if (!v.gsm) ctx.addIssue({ code: "custom", path: ["gsm"], message: "Fabric needs its GSM." });
      if (!v.width_cm) ctx.addIssue({ code: "custom", path: ["width_cm"], message: "Fabric needs its width." });
    }
  });
type FormValues = z.infer<typeof schema>;
const FIELDS = ["code", "name", "kind", "article", "gsm", "width_cm", "shade_code", "standard_cost"];

function MaterialForm({ onDone }: { onDone: () => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const form = useForm<FormValues>({
    resolver: zodResolver(schema),
    defaultValues: { code: "", name: "", kind: "", article: "", gsm: "", width_cm: "", shade_code: "", standard_cost: "" },
  });
  const create = useCreateMaterial();
  const { errors } = form.formState;
  const submit = form.handleSubmit((values) => {
    setExtra([]);
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== "")) as Record<string, string>;
    create.mutate(
      { body, key: key.current },
      {
        onSuccess: () => {
          key.current = newIdempotencyKey();
          form.reset();
          onDone();
        },
        onError: (error) => setExtra(applyServerErrors(error, form.setError, FIELDS)),
      },
    );
  });
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label="New material">
      <h2>New material</h2>
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <TextField label="Code" error={errors.code?.message} {...form.register("code")} />
        <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
        <SelectField
          label="Kind"
          placeholder="Choose…"
          options={MATERIAL_KINDS.map((k) => ({ value: k, label: k }))}
          error={errors.kind?.message}
          {...form.register("kind")}
        />
        <TextField label="Article" error={errors.article?.message} {...form.register("article")} />
      </div>
      <div className="form-row">
        <TextField label="GSM" inputMode="decimal" error={errors.gsm?.message} {...form.register("gsm")} />
        <TextField label="Width (cm)" inputMode="decimal" error={errors.width_cm?.message} {...form.register("width_cm")} />
        <TextField label="Shade code" error={errors.shade_code?.message} {...form.register("shade_code")} />
        <TextField label="Standard cost" inputMode="decimal" error={errors.standard_cost?.message} {...form.register("standard_cost")} />
      </div>
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Save material
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const baseColumns: Column<Material>[] = [
  { key: "code", header: "Code", sortKey: "code" },
  { key: "name", header: "Name", sortKey: "name" },
  { key: "kind", header: "Kind", sortKey: "kind" },
  { key: "unit", header: "Unit" },
  { key: "article", header: "Article" },
  { key: "gsm", header: "GSM", align: "right", render: (m) => fmtNumber(m.gsm) },
  { key: "width_cm", header: "Width cm", align: "right", render: (m) => fmtNumber(m.width_cm) },
  { key: "shade_code", header: "Shade" },
];

export function MaterialsPage() {
  const list = useListState({ ordering: "code" });
  const query = useMaterialList(list.params);
  const [adding, setAdding] = useState(false);
  const mayEdit = useCan("material.edit");
  const [editing, setEditing] = useState<Material | null>(null);
  const columns: Column<Material>[] = mayEdit
    ? [...baseColumns, { key: "edit", header: "", render: (m) => <button type="button" className="secondary" aria-label={`Edit material ${m.code}`} onClick={() => setEditing(m)}>Edit</button> }]
    : baseColumns;
  return (
    <>
      <PageHeader
        title="Materials"
        actions={
          <Can action="material.create">
            {!adding && (
              <button type="button" onClick={() => setAdding(true)}>
                New material
              </button>
            )}
          </Can>
        }
      />
      {adding && <MaterialForm onDone={() => setAdding(false)} />}
      {editing && (
        <EditDocumentPanel
          key={editing.id}
          path={MATERIALS}
          id={editing.id}
          title={`Edit material ${editing.code}`}
          onDone={() => setEditing(null)}
          fields={[
            { name: "name", label: "Name", validate: rules.required },
            { name: "standard_cost", label: "Standard cost", kind: "decimal", validate: rules.nonNegative },
            { name: "gsm", label: "GSM", kind: "decimal", validate: rules.positive },
            { name: "width_cm", label: "Width cm", kind: "decimal", validate: rules.positive },
            { name: "shade_code", label: "Shade code" },
            { name: "is_active", label: "Active", kind: "checkbox" },
          ]}
        />
      )}
      <DataTable
        label="Materials"
        columns={columns}
        query={query}
        state={list}
        filters={<FilterSelect state={list} name="kind" label="Kind" options={MATERIAL_KINDS.map((k) => ({ value: k, label: k }))} />}
      />
    </>
  );
}
