import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { StatusBadge } from "@/components/PageHeader";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber, humanize } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { cmToInches, defectPoints, gradeFor, metresToYards, pointsPer100Yd2, totalPoints } from "@/lib/textile";
import { useCreateRollInspection } from "../api/roll-inspections";
import { DEFECT_TYPES, type PointsThreshold, type RollForInspection, type RollInspection } from "../types";

const positive = (msg: string) => z.string().trim().refine((v) => v !== "" && Number(v) > 0, msg);

export function makeSchema(rollYards: number) {
  return z
    .object({
      inspected_yards: positive("Yards inspected, above zero.").refine((v) => Number(v) <= rollYards, `At most the roll's ${rollYards} yd.`),
      cuttable_width_in: positive("Cuttable width in inches, above zero."),
      threshold: z.string(),
      notes: z.string(),
      defects: z.array(
        z.object({
          defect_type: z.enum(DEFECT_TYPES),
          size_in: positive("Size in inches, above zero."),
          position_yd: z.string().trim().refine((v) => v !== "" && Number(v) >= 0, "Position in yards (0 or more)."),
        }),
      ),
    })
    .superRefine((v, ctx) => {
      v.defects.forEach((d, i) => {
        if (Number(d.position_yd) > Number(v.inspected_yards))
          ctx.addIssue({ code: "custom", path: ["defects", i, "position_yd"], message: `Within 0–${v.inspected_yards} yd.` });
      });
    });
}
type FormValues = z.infer<ReturnType<typeof makeSchema>>;

/** The API's defect fields ("defects.0.length_in") → this form's fields. */
const formField = (name: string) => name.replace(/\.(length_in|hole_size_in)$/, ".size_in");

/**
 * 4-point inspection of one roll (ASTM D5430): each defect's points, the total with at most 4
 * points per linear yard, points per 100 yd² and the grade against the chosen threshold, live.
 */
export function FourPointForm({
  roll,
  thresholds,
  onDone,
}: {
  roll: RollForInspection;
  thresholds: PointsThreshold[];
  onDone: (inspection: RollInspection) => void;
}) {
  const rollYards = metresToYards(Number(roll.length_m));
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const create = useCreateRollInspection();
  const defaultThreshold = thresholds.find((t) => t.name === "standard") ?? thresholds[0];
  const form = useForm<FormValues>({
    resolver: zodResolver(makeSchema(rollYards)),
    defaultValues: {
      inspected_yards: String(rollYards),
      cuttable_width_in: String(cmToInches(Number(roll.width_cm))),
      threshold: defaultThreshold?.name ?? "",
      notes: "",
      defects: [],
    },
  });
  const defects = useFieldArray({ control: form.control, name: "defects" });
  const values = useWatch({ control: form.control });
  const parsed = (values.defects ?? []).map((d) => ({
    kind: d?.defect_type === "hole" ? ("hole" as const) : ("length" as const),
    sizeInches: Number(d?.size_in),
    positionYd: Number(d?.position_yd),
  }));
  const total = totalPoints(parsed);
  const per100 = pointsPer100Yd2(total, Number(values.inspected_yards), Number(values.cuttable_width_in));
  const limit = Number(thresholds.find((t) => t.name === values.threshold)?.max_points_per_100yd2 ?? 40);
  const grade = gradeFor(per100, limit);
  const { errors } = form.formState;

  const submit = form.handleSubmit((v) => {
    setExtra([]);
    const body = {
      roll: roll.id,
      inspected_yards: v.inspected_yards,
      cuttable_width_in: v.cuttable_width_in,
      ...(v.threshold ? { threshold: v.threshold } : {}),
      notes: v.notes,
      defects: v.defects.map((d) => ({
        defect_type: d.defect_type,
        position_yd: d.position_yd,
        ...(d.defect_type === "hole" ? { hole_size_in: d.size_in } : { length_in: d.size_in }),
      })),
    };
    create.mutate(
      { body, key: key.current },
      {
        onSuccess: onDone,
        onError: (e) =>
          setExtra(
            applyServerErrors(
              e,
              (name, err, opts) => form.setError(formField(name) as never, err, opts),
              (name) => /^(inspected_yards|cuttable_width_in|threshold|notes|defects\.\d+\.(defect_type|length_in|hole_size_in|position_yd))$/.test(name),
            ),
          ),
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate aria-label={`Inspect roll ${roll.code}`} className="four-point">
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <TextField label="Inspected yards" inputMode="decimal" hint={`roll: ${roll.length_m} m = ${rollYards} yd`} error={errors.inspected_yards?.message} {...form.register("inspected_yards")} />
        <TextField
          label="Cuttable width (in)"
          inputMode="decimal"
          hint={`roll: ${roll.width_cm} cm`}
          error={errors.cuttable_width_in?.message}
          {...form.register("cuttable_width_in")}
        />
        <SelectField
          label="Acceptance threshold"
          options={thresholds.map((t) => ({ value: t.name, label: `${t.name} (≤ ${fmtNumber(t.max_points_per_100yd2)})` }))}
          placeholder={thresholds.length ? undefined : "standard (40)"}
          error={errors.threshold?.message}
          {...form.register("threshold")}
        />
      </div>
      <table className="line-table" aria-label={`Defects of roll ${roll.code}`}>
        <thead>
          <tr>
            <th>#</th>
            <th>Defect</th>
            <th className="num">Size (in)</th>
            <th className="num">At yard</th>
            <th className="num">Points</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {defects.fields.map((f, i) => {
            const d = values.defects?.[i];
            const pts = d ? defectPoints(d.defect_type === "hole" ? "hole" : "length", Number(d.size_in)) : 0;
            return (
              <tr key={f.id}>
                <td>{i + 1}</td>
                <td>
                  <SelectField label={`Defect ${i + 1} type`} options={DEFECT_TYPES.map((t) => ({ value: t, label: humanize(t) }))} {...form.register(`defects.${i}.defect_type`)} />
                </td>
                <td>
                  <TextField
                    label={`Defect ${i + 1} ${d?.defect_type === "hole" ? "hole size" : "length"} (in)`}
                    inputMode="decimal"
                    error={errors.defects?.[i]?.size_in?.message}
                    {...form.register(`defects.${i}.size_in`)}
                  />
                </td>
                <td>
                  <TextField label={`Defect ${i + 1} position (yd)`} inputMode="decimal" error={errors.defects?.[i]?.position_yd?.message} {...form.register(`defects.${i}.position_yd`)} />
                </td>
                <td className="num" aria-label={`Defect ${i + 1} points`}>
                  {pts}
                </td>
                <td>
                  <button type="button" className="secondary" onClick={() => defects.remove(i)} aria-label={`Remove defect ${i + 1}`}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="actions" style={{ margin: "0.5rem 0" }}>
        <button type="button" className="secondary" onClick={() => defects.append({ defect_type: "slub", size_in: "", position_yd: "" })}>
          Add defect
        </button>
        <output className="calc" aria-label={`Roll ${roll.code} score`} aria-live="polite">
          {total} points · {per100 === null ? "—" : fmtNumber(per100)} per 100 yd² · grade {grade ? <StatusBadge status={grade} /> : "—"} (limit {fmtNumber(limit)})
        </output>
      </div>
      <TextField label="Notes" {...form.register("notes")} />
      <button type="submit" disabled={create.isPending}>
        Save inspection of {roll.code}
      </button>
    </form>
  );
}
