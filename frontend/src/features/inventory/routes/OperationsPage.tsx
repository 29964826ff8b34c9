import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { newIdempotencyKey } from "@/lib/ids";
import { useLocations } from "@/lib/lookups";
import { useLots } from "../api/lots";
import { usePostOperation } from "../api/operations";
import { useRolls } from "../api/rolls";

const schema = z
  .object({
    kind: z.enum(["transfer", "adjust"]),
    lot: z.string().min(1, "Choose a lot."),
    roll: z.string(),
    from_location: z.string(),
    to_location: z.string(),
    location: z.string(),
    qty: z.string().trim().refine((v) => v !== "" && Number.isFinite(Number(v)) && Number(v) !== 0, "Enter a non-zero quantity."),
    note: z.string().trim().max(255),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "transfer") {
      if (!v.from_location) ctx.addIssue({ code: "custom", path: ["from_location"], message: "Choose where it is." });
      if (!v.to_location) ctx.addIssue({ code: "custom", path: ["to_location"], message: "Choose where it goes." });
      if (v.from_location && v.from_location === v.to_location)
        ctx.addIssue({ code: "custom", path: ["to_location"], message: "Must differ from the source." });
      if (Number(v.qty) < 0) ctx.addIssue({ code: "custom", path: ["qty"], message: "A transfer moves a positive quantity." });
    } else {
      if (!v.location) ctx.addIssue({ code: "custom", path: ["location"], message: "Choose the location." });
      if (!v.note) ctx.addIssue({ code: "custom", path: ["note"], message: "An adjustment needs a reason." });
    }
  });
type FormValues = z.infer<typeof schema>;
const FIELDS = ["lot", "roll", "from_location", "to_location", "location", "qty", "note"];

/** The field names the API uses on a line ("lines.0.qty") mapped onto this one-line form. */
const fieldOf = (name: string, kind?: string) => {
  const field = name.replace(/^lines\.0\./, "");
  return field === "location" && kind === "transfer" ? "from_location" : field;
};

export function OperationsPage() {
  const allowed = useCan("stock.operate");
  const key = useRef(newIdempotencyKey());
  const [lotSearch, setLotSearch] = useState("");
  const [extra, setExtra] = useState<string[]>([]);
  const form = useForm<FormValues>({
    resolver: zodResolver(schema),
    defaultValues: { kind: "transfer", lot: "", roll: "", from_location: "", to_location: "", location: "", qty: "", note: "" },
  });
  const kind = form.watch("kind");
  const lotId = form.watch("lot");
  const lots = useLots({ search: lotSearch || undefined, page_size: 50 });
  const rolls = useRolls({ lot: lotId, page_size: 200 }, Boolean(lotId));
  const locations = useLocations();
  const post = usePostOperation();
  const { errors } = form.formState;
  const locationOptions = (locations.data ?? []).map((l) => ({ value: l.id, label: `${l.code} · ${l.name}` }));

  const submit = form.handleSubmit((v) => {
    setExtra([]);
    const line = { lot: Number(v.lot), roll: v.roll ? Number(v.roll) : null, qty: v.qty };
    const body =
      v.kind === "transfer"
        ? { to_location: Number(v.to_location), lines: [{ ...line, location: Number(v.from_location) }], note: v.note }
        : { lines: [{ ...line, location: Number(v.location) }], note: v.note };
    post.mutate(
      { kind: v.kind, body, key: key.current },
      {
        onSuccess: () => {
          key.current = newIdempotencyKey();
          form.reset({ ...v, qty: "", note: "" });
        },
        onError: (error) =>
          setExtra(
            applyServerErrors(
              error,
              (name, err, opts) => form.setError(fieldOf(name, v.kind) as keyof FormValues, err, opts),
              (name) => FIELDS.includes(fieldOf(name, v.kind)),
            ),
          ),
      },
    );
  });

  if (!allowed) {
    return (
      <>
        <PageHeader title="Transfers & adjustments" />
        <p className="banner banner-info">Only storekeepers post transfers and adjustments.</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Transfers & adjustments" />
      <form className="panel" onSubmit={submit} noValidate aria-label="Stock operation">
        <ErrorBanner error={post.error} extra={extra} />
        <div className="form-row">
          <SelectField
            label="Operation"
            options={[
              { value: "transfer", label: "Transfer between locations" },
              { value: "adjust", label: "Adjustment (count difference, damage…)" },
            ]}
            {...form.register("kind")}
          />
          <TextField label="Find lot" value={lotSearch} onChange={(e) => setLotSearch(e.target.value)} placeholder="lot or dye lot code" />
          <SelectField
            label="Lot"
            placeholder="Choose…"
            options={(lots.data?.results ?? []).map((l) => ({ value: l.id, label: `${l.code} (${l.qc_status})` }))}
            error={errors.lot?.message}
            {...form.register("lot")}
          />
          <SelectField
            label="Roll"
            placeholder="whole lot / not a fabric"
            options={(rolls.data?.results ?? []).map((r) => ({ value: r.id, label: `${r.code} · ${r.length_m} m` }))}
            error={errors.roll?.message}
            {...form.register("roll")}
          />
        </div>
        <div className="form-row">
          {kind === "transfer" ? (
            <>
              <SelectField label="From" placeholder="Choose…" options={locationOptions} error={errors.from_location?.message} {...form.register("from_location")} />
              <SelectField label="To" placeholder="Choose…" options={locationOptions} error={errors.to_location?.message} {...form.register("to_location")} />
            </>
          ) : (
            <SelectField label="Location" placeholder="Choose…" options={locationOptions} error={errors.location?.message} {...form.register("location")} />
          )}
          <TextField
            label={kind === "adjust" ? "Quantity (+ found / − lost)" : "Quantity"}
            inputMode="decimal"
            error={errors.qty?.message}
            {...form.register("qty")}
          />
          <TextField label={kind === "adjust" ? "Reason" : "Note"} error={errors.note?.message} {...form.register("note")} />
        </div>
        <button type="submit" disabled={post.isPending}>
          Post {kind}
        </button>
      </form>
    </>
  );
}
