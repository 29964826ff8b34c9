import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { applyServerErrors } from "@/lib/forms";
import { asOptions, useLocations } from "@/lib/lookups";

const optionalPositive = (msg: string) => z.string().trim().refine((v) => v === "" || Number(v) > 0, msg);

const schema = z.object({
  to_location: z.string(),
  dye_lot: z.string().trim().max(80),
  qty: z.string().trim(),
  rolls: z.array(
    z.object({
      length_m: z.string().trim().refine((v) => v !== "" && Number(v) > 0, "Enter the roll's length in metres."),
      weight_kg: optionalPositive("Above zero, or blank to work it out from GSM and width."),
    }),
  ),
});
type Values = z.infer<typeof schema>;
export interface RollsBody {
  to_location?: number;
  dye_lot: string;
  rolls?: { length_m: string; weight_kg?: string }[];
  qty?: string;
}

/**
 * Output of a process: rolls (length, optional weight) for fabric, a quantity otherwise.
 * `askLocation` adds the location the output goes to (job work receipts).
 */
export function RollsForm({
  label,
  fabric,
  unit,
  askLocation = false,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  label: string;
  fabric: boolean;
  unit: string;
  askLocation?: boolean;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (body: RollsBody, onError: (e: unknown) => void) => void;
}) {
  const [extra, setExtra] = useState<string[]>([]);
  const locations = useLocations();
  const emptyRoll = { length_m: "", weight_kg: "" };
  const form = useForm<Values>({
    resolver: zodResolver(
      schema.superRefine((v, ctx) => {
        if (askLocation && !v.to_location) ctx.addIssue({ code: "custom", path: ["to_location"], message: "Choose where the output goes." });
        if (fabric && v.rolls.length === 0) ctx.addIssue({ code: "custom", path: ["rolls"], message: "Add at least one roll." });
        if (!fabric && !(Number(v.qty) > 0)) ctx.addIssue({ code: "custom", path: ["qty"], message: "Enter a quantity above zero." });
      }),
    ),
    defaultValues: { to_location: "", dye_lot: "", qty: "", rolls: fabric ? [emptyRoll] : [] },
  });
  const rolls = useFieldArray({ control: form.control, name: "rolls" });
  const { errors } = form.formState;
  const submit = form.handleSubmit((v) => {
    setExtra([]);
    const body: RollsBody = {
      dye_lot: v.dye_lot,
      ...(askLocation ? { to_location: Number(v.to_location) } : {}),
      ...(fabric
        ? { rolls: v.rolls.map((r) => ({ length_m: r.length_m, ...(r.weight_kg ? { weight_kg: r.weight_kg } : {}) })) }
        : { qty: v.qty }),
    };
    onSubmit(body, (e) => setExtra(applyServerErrors(e, form.setError, (n) => /^(to_location|dye_lot|qty|rolls|rolls\.\d+\.(length_m|weight_kg))$/.test(n))));
  });
  const total = form.watch("rolls").reduce((t, r) => t + (Number(r.length_m) || 0), 0);
  return (
    <form className="panel" aria-label={label} noValidate onSubmit={submit}>
      <h2>{label}</h2>
      <ErrorBanner error={error} extra={extra} />
      <div className="form-row">
        {askLocation && (
          <SelectField label="Receive into" placeholder="Choose…" options={asOptions(locations.data)} error={errors.to_location?.message} {...form.register("to_location")} />
        )}
        <TextField label="Output dye lot" hint="blank: the input's dye lot" error={errors.dye_lot?.message} {...form.register("dye_lot")} />
        {!fabric && <TextField label={`Output quantity (${unit})`} inputMode="decimal" error={errors.qty?.message} {...form.register("qty")} />}
      </div>
      {fabric && (
        <>
          {errors.rolls?.root?.message || errors.rolls?.message ? (
            <p className="field-error" role="alert">
              {errors.rolls?.root?.message ?? errors.rolls?.message}
            </p>
          ) : null}
          {rolls.fields.map((field, i) => (
            <div className="form-row" key={field.id}>
              <TextField label={`Output roll ${i + 1} length m`} inputMode="decimal" error={errors.rolls?.[i]?.length_m?.message} {...form.register(`rolls.${i}.length_m`)} />
              <TextField label={`Output roll ${i + 1} weight kg`} inputMode="decimal" error={errors.rolls?.[i]?.weight_kg?.message} {...form.register(`rolls.${i}.weight_kg`)} />
              <button type="button" className="secondary" aria-label={`Remove output roll ${i + 1}`} onClick={() => rolls.remove(i)}>
                Remove
              </button>
            </div>
          ))}
          <p className="muted">
            {rolls.fields.length} roll(s), {total} m
          </p>
        </>
      )}
      <div className="actions">
        {fabric && (
          <button type="button" className="secondary" onClick={() => rolls.append(emptyRoll)}>
            Add roll
          </button>
        )}
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
