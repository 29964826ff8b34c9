import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DataTable, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { api } from "@/lib/api-client";
import { Can } from "@/lib/auth/Can";
import { applyServerErrors } from "@/lib/forms";
import { fmtDate, fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { notify } from "@/lib/notifications";
import type { Paginated } from "@/lib/pagination";
import { useListState } from "@/lib/use-list-state";
import { useCreateShadeReading, useCreateShadeStandard, useShadeReadings, useShadeStandards, type ShadeReading, type ShadeStandard } from "../api/shade";

const inRange = (lo: number, hi: number, msg: string) => z.string().trim().refine((v) => v !== "" && Number(v) >= lo && Number(v) <= hi, msg);
const lab = {
  lab_l: inRange(0, 100, "L* from 0 to 100."),
  lab_a: inRange(-200, 200, "a* from −200 to 200."),
  lab_b: inRange(-200, 200, "b* from −200 to 200."),
};

const standardSchema = z.object({
  shade_code: z.string().trim().min(1, "Required.").max(40),
  customer_code: z.string().trim().max(40),
  lab_dip_ref: z.string().trim().max(60),
  ...lab,
  tolerance: z.string().trim().refine((v) => v !== "" && Number(v) > 0, "ΔE00 tolerance above zero."),
});
type StandardValues = z.infer<typeof standardSchema>;

function StandardForm({ onDone }: { onDone: () => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const create = useCreateShadeStandard();
  const form = useForm<StandardValues>({
    resolver: zodResolver(standardSchema),
    defaultValues: { shade_code: "", customer_code: "", lab_dip_ref: "", lab_l: "", lab_a: "", lab_b: "", tolerance: "1.0" },
  });
  const { errors } = form.formState;
  return (
    <form
      className="panel"
      aria-label="New shade standard"
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setExtra([]);
        create.mutate({ key: key.current, body: v }, { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))) });
      })}
    >
      <h2>New shade standard (approved lab dip)</h2>
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <TextField label="Shade code" error={errors.shade_code?.message} {...form.register("shade_code")} />
        <TextField label="Customer code" hint="blank: every customer" error={errors.customer_code?.message} {...form.register("customer_code")} />
        <TextField label="Lab dip reference" error={errors.lab_dip_ref?.message} {...form.register("lab_dip_ref")} />
        <TextField label="Standard L*" inputMode="decimal" error={errors.lab_l?.message} {...form.register("lab_l")} />
        <TextField label="Standard a*" inputMode="decimal" error={errors.lab_a?.message} {...form.register("lab_a")} />
        <TextField label="Standard b*" inputMode="decimal" error={errors.lab_b?.message} {...form.register("lab_b")} />
        <TextField label="Tolerance ΔE00" inputMode="decimal" error={errors.tolerance?.message} {...form.register("tolerance")} />
      </div>
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Save standard
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}

const readingSchema = z.object({ roll: z.string().min(1, "Choose the roll measured."), standard: z.string(), ...lab });
type ReadingValues = z.infer<typeof readingSchema>;

function ReadingForm({ standards }: { standards: ShadeStandard[] }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const [last, setLast] = useState<ShadeReading | null>(null);
  const rolls = useQuery({
    queryKey: ["/inventory/rolls/", "lookup", { in_stock: "true" }],
    queryFn: ({ signal }) => api.get<Paginated<{ id: number; code: string; lot_code?: string }>>("/inventory/rolls/", { in_stock: true, page_size: 200, ordering: "-id" }, signal).then((p) => p.results),
  });
  const create = useCreateShadeReading();
  const form = useForm<ReadingValues>({ resolver: zodResolver(readingSchema), defaultValues: { roll: "", standard: "", lab_l: "", lab_a: "", lab_b: "" } });
  const { errors } = form.formState;
  return (
    <form
      className="panel"
      aria-label="New shade reading"
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setExtra([]);
        create.mutate(
          { key: key.current, body: { roll: Number(v.roll), lab_l: v.lab_l, lab_a: v.lab_a, lab_b: v.lab_b, ...(v.standard ? { standard: Number(v.standard) } : {}) } },
          {
            onSuccess: (r) => {
              key.current = newIdempotencyKey();
              setLast(r);
              notify.success(`${r.roll_code}: ΔE00 ${fmtNumber(r.delta_e, 2)}, band ${r.band}.`);
              form.reset({ roll: "", standard: v.standard, lab_l: "", lab_a: "", lab_b: "" });
            },
            onError: (e) => setExtra(applyServerErrors(e, form.setError, Object.keys(v))),
          },
        );
      })}
    >
      <h2>Enter a shade reading</h2>
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <SelectField label="Roll" placeholder="Choose…" options={(rolls.data ?? []).map((r) => ({ value: r.id, label: `${r.code}${r.lot_code ? ` · ${r.lot_code}` : ""}` }))} error={errors.roll?.message} {...form.register("roll")} />
        <SelectField
          label="Against standard"
          placeholder="the roll's shade (automatic)"
          options={standards.map((s) => ({ value: s.id, label: `${s.shade_code}${s.customer_code ? ` · ${s.customer_code}` : ""}` }))}
          error={errors.standard?.message}
          {...form.register("standard")}
        />
        <TextField label="Reading L*" inputMode="decimal" error={errors.lab_l?.message} {...form.register("lab_l")} />
        <TextField label="Reading a*" inputMode="decimal" error={errors.lab_a?.message} {...form.register("lab_a")} />
        <TextField label="Reading b*" inputMode="decimal" error={errors.lab_b?.message} {...form.register("lab_b")} />
      </div>
      <button type="submit" disabled={create.isPending}>
        Save reading
      </button>
      {last && (
        <output className="calc" aria-label="Last reading" style={{ marginLeft: "0.75rem" }}>
          {last.roll_code}: ΔE00 {fmtNumber(last.delta_e, 2)} → band {last.band}
        </output>
      )}
    </form>
  );
}

const standardColumns: Column<ShadeStandard>[] = [
  { key: "shade_code", header: "Shade" },
  { key: "customer_code", header: "Customer" },
  { key: "lab_dip_ref", header: "Lab dip" },
  { key: "lab", header: "L* a* b*", render: (s) => `${fmtNumber(s.lab_l)} ${fmtNumber(s.lab_a)} ${fmtNumber(s.lab_b)}` },
  { key: "tolerance", header: "Tolerance", align: "right", render: (s) => fmtNumber(s.tolerance, 3) },
  { key: "approved_at", header: "Approved", render: (s) => fmtDate(s.approved_at) },
  { key: "is_active", header: "Active", render: (s) => (s.is_active ? "yes" : "no") },
];
const readingColumns: Column<ShadeReading>[] = [
  { key: "roll_code", header: "Roll" },
  { key: "shade_code", header: "Shade" },
  { key: "lab", header: "L* a* b*", render: (r) => `${fmtNumber(r.lab_l)} ${fmtNumber(r.lab_a)} ${fmtNumber(r.lab_b)}` },
  { key: "delta_e", header: "ΔE00", sortKey: "delta_e", align: "right", render: (r) => fmtNumber(r.delta_e, 3) },
  { key: "band", header: "Band" },
  { key: "created_at", header: "When", sortKey: "created_at", render: (r) => fmtDate(r.created_at) },
];

export function ShadePage() {
  const standardsList = useListState({ ordering: "", prefix: "std" });
  const readingsList = useListState({ ordering: "-created_at", prefix: "rd" });
  const standards = useShadeStandards(standardsList.params);
  const readings = useShadeReadings(readingsList.params);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHeader
        title="Shade"
        actions={
          <Can action="shade_standard.create">
            {!adding && (
              <button type="button" onClick={() => setAdding(true)}>
                New standard
              </button>
            )}
          </Can>
        }
      >
        <p className="muted">ΔE00 of each roll's L*a*b* reading against the approved lab dip, and the shade band it falls in.</p>
      </PageHeader>
      {adding && <StandardForm onDone={() => setAdding(false)} />}
      <Can action="shade_reading.create">
        <ReadingForm standards={(standards.data?.results ?? []).filter((s) => s.is_active)} />
      </Can>
      <h2>Standards</h2>
      <DataTable label="Shade standards" columns={standardColumns} query={standards} state={standardsList} />
      <h2>Readings</h2>
      <DataTable label="Shade readings" columns={readingColumns} query={readings} state={readingsList} searchable={false} />
    </>
  );
}
