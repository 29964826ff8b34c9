import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm, type UseFormReturn } from "react-hook-form";
import { z } from "zod";
import { DataTable, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtQty } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useMaterials, useWarehouses } from "@/lib/lookups";
import { useListState } from "@/lib/use-list-state";
import { useCreateReorderRule, useReorderRuleForEdit, useReorderRules, useSaveReorderRule, type ReorderRule } from "../api/reorder-rules";

const nonNegative = z.string().trim().refine((v) => v !== "" && Number(v) >= 0, "0 or more.");
const levels = z.object({ min_qty: nonNegative, max_qty: nonNegative, multiple: z.string().trim().refine((v) => v !== "" && Number(v) > 0, "Above zero."), is_active: z.boolean() });
const maxAtLeastMin = (v: { min_qty: string; max_qty: string }) => Number(v.max_qty) >= Number(v.min_qty);
const maxMessage = { path: ["max_qty"], message: "Max must be at least min." };
const schema = levels.refine(maxAtLeastMin, maxMessage);
type Values = z.infer<typeof schema>;
const newSchema = levels
  .extend({ material: z.string().min(1, "Choose a material."), warehouse: z.string().min(1, "Choose a warehouse.") })
  .refine(maxAtLeastMin, maxMessage);
type NewValues = z.infer<typeof newSchema>;

/** Min, max, multiple and active, with the form's buttons: the part a new rule and an edit share. */
function LevelFields<T extends Values>(props: { form: UseFormReturn<T>; unit?: string; submitLabel: string; pending: boolean; onClose: () => void }) {
  // The fields are the same in both forms; register them through the shared shape.
  const form = props.form as unknown as UseFormReturn<Values>;
  const { errors } = form.formState;
  return (
    <>
      <div className="form-row">
        <TextField label="Min" inputMode="decimal" hint={props.unit} error={errors.min_qty?.message} {...form.register("min_qty")} />
        <TextField label="Max" inputMode="decimal" hint={props.unit} error={errors.max_qty?.message} {...form.register("max_qty")} />
        <TextField label="Multiple" inputMode="decimal" error={errors.multiple?.message} {...form.register("multiple")} />
        <label>
          <input type="checkbox" {...form.register("is_active")} /> Active
        </label>
      </div>
      <div className="actions">
        <button type="submit" disabled={props.pending}>
          {props.submitLabel}
        </button>
        <button type="button" className="secondary" onClick={props.onClose}>
          Close
        </button>
      </div>
    </>
  );
}

/** A new min / max / multiple for a material at a warehouse (one rule per pair; the server says if it exists). */
function NewRuleForm({ onDone }: { onDone: () => void }) {
  const create = useCreateReorderRule();
  const materials = useMaterials();
  const warehouses = useWarehouses();
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const form = useForm<NewValues>({
    resolver: zodResolver(newSchema),
    defaultValues: { material: "", warehouse: "", min_qty: "", max_qty: "", multiple: "1", is_active: true },
  });
  const { errors } = form.formState;
  const unit = materials.data?.find((m) => String(m.id) === form.watch("material"))?.unit;
  return (
    <form
      className="panel"
      aria-label="New reorder rule"
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setExtra([]);
        create.mutate(
          { key: key.current, body: { ...v, material: Number(v.material), warehouse: Number(v.warehouse) } },
          { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))) },
        );
      })}
    >
      <h2>New reorder rule</h2>
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <SelectField label="Material" placeholder="Choose…" options={asOptions(materials.data)} error={errors.material?.message} {...form.register("material")} />
        <SelectField label="Warehouse" placeholder="Choose…" options={asOptions(warehouses.data)} error={errors.warehouse?.message} {...form.register("warehouse")} />
      </div>
      <LevelFields form={form} unit={unit} submitLabel="Create rule" pending={create.isPending} onClose={onDone} />
    </form>
  );
}

/** Edit a rule read with its ETag; saving sends If-Match, so a change in between gets 412. */
export function ReorderRuleEditForm({ id, onDone }: { id: number; onDone: () => void }) {
  const query = useReorderRuleForEdit(id);
  return <QueryState query={query}>{({ doc, etag }) => <RuleForm key={doc.id} rule={doc} etag={etag} onDone={onDone} reload={() => void query.refetch()} />}</QueryState>;
}

function RuleForm({ rule, etag, onDone, reload }: { rule: ReorderRule; etag: string | null; onDone: () => void; reload: () => void }) {
  const save = useSaveReorderRule();
  const [extra, setExtra] = useState<string[]>([]);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { min_qty: String(Number(rule.min_qty)), max_qty: String(Number(rule.max_qty)), multiple: String(Number(rule.multiple)), is_active: rule.is_active },
  });
  // A reload (after a 412) brings a newer version: show its values without remounting, so a
  // successful save (which refreshes the rule) still closes the form.
  useEffect(() => {
    form.reset({ min_qty: String(Number(rule.min_qty)), max_qty: String(Number(rule.max_qty)), multiple: String(Number(rule.multiple)), is_active: rule.is_active });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [etag]);
  return (
    <form
      className="panel"
      aria-label={`Edit reorder rule ${rule.material_code}`}
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setExtra([]);
        save.mutate({ id: rule.id, etag, body: v }, { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))) });
      })}
    >
      <h2>
        Reorder rule {rule.material_code} at {rule.warehouse_code}
      </h2>
      <ErrorBanner
        error={save.error}
        extra={extra}
        onReload={() => {
          save.reset();
          reload();
        }}
      />
      <LevelFields form={form} unit={rule.unit} submitLabel="Save rule" pending={save.isPending} onClose={onDone} />
    </form>
  );
}

export function ReorderRulesPage() {
  const list = useListState({ ordering: "id" });
  const query = useReorderRules(list.params);
  const mayEdit = useCan("reorder_rule.edit");
  const mayCreate = useCan("reorder_rule.create");
  const [editing, setEditing] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const columns: Column<ReorderRule>[] = [
    { key: "material_code", header: "Material" },
    { key: "warehouse_code", header: "Warehouse" },
    { key: "min_qty", header: "Min", sortKey: "min_qty", align: "right", render: (r) => fmtQty(r.min_qty, r.unit) },
    { key: "max_qty", header: "Max", sortKey: "max_qty", align: "right", render: (r) => fmtQty(r.max_qty, r.unit) },
    { key: "multiple", header: "Multiple", align: "right", render: (r) => fmtQty(r.multiple) },
    { key: "is_active", header: "Active", render: (r) => (r.is_active ? "yes" : "no") },
    {
      key: "edit",
      header: "",
      render: (r) =>
        mayEdit ? (
          <button type="button" className="secondary" aria-label={`Edit rule ${r.material_code}`} onClick={() => setEditing(r.id)}>
            Edit
          </button>
        ) : null,
    },
  ];
  return (
    <>
      <PageHeader
        title="Reorder rules"
        actions={
          mayCreate && !adding ? (
            <button type="button" onClick={() => setAdding(true)}>
              New rule
            </button>
          ) : null
        }
      >
        <p className="muted">Min / max / multiple per material and warehouse; planners keep them.</p>
      </PageHeader>
      {adding && <NewRuleForm onDone={() => setAdding(false)} />}
      {editing !== null && <ReorderRuleEditForm id={editing} onDone={() => setEditing(null)} />}
      <DataTable label="Reorder rules" columns={columns} query={query} state={list} />
    </>
  );
}
