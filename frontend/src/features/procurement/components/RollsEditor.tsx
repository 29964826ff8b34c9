import { useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { TextField } from "@/components/Field";
import { fmtNumber } from "@/lib/format";
import { kgToMetres, metresToKg } from "@/lib/textile";
import type { ReceiptFormValues } from "./receipt-form";

/**
 * Rolls of one receipt line. Each roll carries its own width and GSM (one article's rolls differ),
 * and the screen shows kg ↔ m live from them: kg = m × width_m × GSM / 1000.
 */
export function RollsEditor({ lineIndex, defaults }: { lineIndex: number; defaults: { width_cm: string; gsm: string } }) {
  const { control, register, formState } = useFormContext<ReceiptFormValues>();
  const rolls = useFieldArray({ control, name: `lines.${lineIndex}.rolls` });
  const values = useWatch({ control, name: `lines.${lineIndex}.rolls` }) ?? [];
  const errors = formState.errors.lines?.[lineIndex]?.rolls;
  const totalM = values.reduce((s, r) => {
    const m = Number(r.length_m) || kgToMetres(Number(r.weight_kg), Number(r.width_cm), Number(r.gsm)) || 0;
    return s + m;
  }, 0);
  const totalKg = values.reduce((s, r) => s + (Number(r.weight_kg) || metresToKg(Number(r.length_m), Number(r.width_cm), Number(r.gsm)) || 0), 0);
  const label = (j: number, what: string) => `Line ${lineIndex + 1} roll ${j + 1} ${what}`;
  const addRoll = () => {
    const last = values[values.length - 1];
    rolls.append({ code: "", length_m: "", weight_kg: "", width_cm: last?.width_cm || defaults.width_cm, gsm: last?.gsm || defaults.gsm });
  };

  return (
    <div className="rolls-editor">
      <table className="line-table" aria-label={`Rolls of line ${lineIndex + 1}`}>
        <thead>
          <tr>
            <th>Roll</th>
            <th>Roll code (optional)</th>
            <th className="num">Length m</th>
            <th className="num">Weight kg</th>
            <th className="num">Width cm</th>
            <th className="num">GSM</th>
            <th>kg ↔ m</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rolls.fields.map((field, j) => {
            const r = values[j] ?? field;
            const kg = metresToKg(Number(r.length_m), Number(r.width_cm), Number(r.gsm));
            const m = kgToMetres(Number(r.weight_kg), Number(r.width_cm), Number(r.gsm));
            let calc = "—";
            if (r.length_m && kg !== null) calc = `${fmtNumber(r.length_m)} m = ${fmtNumber(kg, 3)} kg`;
            else if (r.weight_kg && m !== null) calc = `${fmtNumber(r.weight_kg, 3)} kg = ${fmtNumber(m)} m`;
            const mismatch = r.length_m && r.weight_kg && kg !== null && Math.abs(kg - Number(r.weight_kg)) / kg > 0.1;
            return (
              <tr key={field.id}>
                <td>{j + 1}</td>
                <td>
                  <TextField label={label(j, "code")} {...register(`lines.${lineIndex}.rolls.${j}.code`)} />
                </td>
                <td>
                  <TextField label={label(j, "length m")} inputMode="decimal" error={errors?.[j]?.length_m?.message} {...register(`lines.${lineIndex}.rolls.${j}.length_m`)} />
                </td>
                <td>
                  <TextField
                    label={label(j, "weight kg")}
                    inputMode="decimal"
                    placeholder={kg !== null ? String(kg) : ""}
                    error={errors?.[j]?.weight_kg?.message}
                    {...register(`lines.${lineIndex}.rolls.${j}.weight_kg`)}
                  />
                </td>
                <td>
                  <TextField label={label(j, "width cm")} inputMode="decimal" error={errors?.[j]?.width_cm?.message} {...register(`lines.${lineIndex}.rolls.${j}.width_cm`)} />
                </td>
                <td>
                  <TextField label={label(j, "GSM")} inputMode="decimal" error={errors?.[j]?.gsm?.message} {...register(`lines.${lineIndex}.rolls.${j}.gsm`)} />
                </td>
                <td>
                  <output className="calc" aria-label={label(j, "conversion")}>
                    {calc}
                  </output>
                  {mismatch ? <div className="field-error">weight is more than 10 % off length × width × GSM</div> : null}
                </td>
                <td>
                  <button type="button" className="secondary" aria-label={`Remove ${label(j, "")}`.trim()} onClick={() => rolls.remove(j)}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="secondary" onClick={addRoll}>
          Add roll to line {lineIndex + 1}
        </button>
        <span className="muted" aria-label={`Line ${lineIndex + 1} roll totals`}>
          {rolls.fields.length} rolls · {fmtNumber(totalM)} m · {fmtNumber(totalKg, 3)} kg
        </span>
      </div>
    </div>
  );
}
