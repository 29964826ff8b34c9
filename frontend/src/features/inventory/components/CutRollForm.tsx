import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { TextField } from "@/components/Field";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber } from "@/lib/format";
import { notify } from "@/lib/notifications";
import { useCutRoll } from "../api/rolls";
import type { Roll } from "../types";

/** Split a roll into pieces; the pieces may not add up to more than what is on hand. */
export function CutRollForm({ roll, onDone }: { roll: Roll; onDone: () => void }) {
  const available = Number(roll.on_hand_m ?? roll.length_m);
  const schema = z
    .object({ pieces: z.array(z.object({ length_m: z.string().trim().refine((v) => v !== "" && Number(v) > 0, "Above zero.") })).min(1, "Add a piece.") })
    .refine((v) => v.pieces.reduce((t, p) => t + (Number(p.length_m) || 0), 0) <= available + 1e-9, {
      path: ["pieces"],
      message: `The pieces add up to more than the ${fmtNumber(available)} m on hand.`,
    });
  type Values = z.infer<typeof schema>;
  const cut = useCutRoll();
  const [extra, setExtra] = useState<string[]>([]);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { pieces: [{ length_m: "" }, { length_m: "" }] } });
  const pieces = useFieldArray({ control: form.control, name: "pieces" });
  const { errors } = form.formState;
  const total = form.watch("pieces").reduce((t, p) => t + (Number(p.length_m) || 0), 0);
  return (
    <form
      className="panel"
      aria-label={`Cut roll ${roll.code}`}
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setExtra([]);
        cut.mutate(
          { roll, lengths: v.pieces.map((p) => p.length_m) },
          {
            onSuccess: (r) => {
              notify.success(`Cut ${roll.code} into ${r.pieces.map((p) => p.code).join(", ")}.`);
              onDone();
            },
            onError: (e) => setExtra(applyServerErrors(e, form.setError, (n) => /^pieces(\.\d+\.length_m)?$/.test(n))),
          },
        );
      })}
    >
      <h2>Cut roll {roll.code}</h2>
      <p className="muted">
        {fmtNumber(available)} m on hand; pieces so far {fmtNumber(total)} m, {fmtNumber(Math.max(0, available - total))} m stays on {roll.code}.
      </p>
      <ErrorBanner error={cut.error} extra={extra} />
      {errors.pieces?.root?.message || errors.pieces?.message ? (
        <p className="field-error" role="alert">
          {errors.pieces?.root?.message ?? errors.pieces?.message}
        </p>
      ) : null}
      <div className="form-row">
        {pieces.fields.map((f, i) => (
          <TextField key={f.id} label={`Piece ${i + 1} length m`} inputMode="decimal" error={errors.pieces?.[i]?.length_m?.message} {...form.register(`pieces.${i}.length_m`)} />
        ))}
      </div>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => pieces.append({ length_m: "" })}>
          Add piece
        </button>
        <button type="submit" disabled={cut.isPending}>
          Cut
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}
