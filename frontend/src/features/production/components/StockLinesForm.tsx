import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { applyServerErrors } from "@/lib/forms";
import { asOptions, lotOptions, useLocations, useLotsOf } from "@/lib/lookups";

const positive = (msg: string) => z.string().trim().refine((v) => v !== "" && Number(v) > 0, msg);

const schema = z.object({
  lines: z
    .array(z.object({ lot: z.string().min(1, "Choose a lot."), location: z.string().min(1, "Choose where it is."), qty: positive("Enter a quantity above zero.") }))
    .min(1, "Add at least one line."),
});
type Values = z.infer<typeof schema>;
export type StockLinesBody = { lines: { lot: number; location: number; qty: string }[] };

/**
 * Lines of stock taken from named lots (issue to a work order, send to a dye house). Lots are
 * offered for the given materials; the server's field errors (lines.0.qty…) land on their field.
 */
export function StockLinesForm({
  label,
  materials,
  defaultLocation,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  label: string;
  materials: number[];
  defaultLocation?: number;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (body: StockLinesBody, onError: (e: unknown) => void) => void;
}) {
  const [extra, setExtra] = useState<string[]>([]);
  const lots = useLotsOf({ ...(materials.length === 1 ? { material: String(materials[0]) } : {}) });
  const locations = useLocations();
  const offered = (lots.data ?? []).filter((l) => materials.length === 0 || materials.includes(l.material));
  const empty = { lot: "", location: defaultLocation ? String(defaultLocation) : "", qty: "" };
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { lines: [empty] } });
  const lines = useFieldArray({ control: form.control, name: "lines" });
  const { errors } = form.formState;
  const submit = form.handleSubmit((v) => {
    setExtra([]);
    onSubmit({ lines: v.lines.map((l) => ({ lot: Number(l.lot), location: Number(l.location), qty: l.qty.trim() })) }, (e) =>
      setExtra(applyServerErrors(e, form.setError, (n) => /^(lines|lines\.\d+\.(lot|location|qty))$/.test(n))),
    );
  });
  return (
    <form className="panel" aria-label={label} noValidate onSubmit={submit}>
      <h2>{label}</h2>
      <ErrorBanner error={error} extra={extra} />
      {errors.lines?.root?.message || errors.lines?.message ? (
        <p className="field-error" role="alert">
          {errors.lines?.root?.message ?? errors.lines?.message}
        </p>
      ) : null}
      {lines.fields.map((field, i) => (
        <div className="form-row" key={field.id}>
          <SelectField label={`${label} line ${i + 1} lot`} placeholder="Choose…" options={lotOptions(offered)} error={errors.lines?.[i]?.lot?.message} {...form.register(`lines.${i}.lot`)} />
          <SelectField label={`${label} line ${i + 1} location`} placeholder="Choose…" options={asOptions(locations.data)} error={errors.lines?.[i]?.location?.message} {...form.register(`lines.${i}.location`)} />
          <TextField label={`${label} line ${i + 1} quantity`} inputMode="decimal" error={errors.lines?.[i]?.qty?.message} {...form.register(`lines.${i}.qty`)} />
          <button type="button" className="secondary" aria-label={`Remove ${label} line ${i + 1}`} disabled={lines.fields.length === 1} onClick={() => lines.remove(i)}>
            Remove
          </button>
        </div>
      ))}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => lines.append(empty)}>
          Add line
        </button>
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
