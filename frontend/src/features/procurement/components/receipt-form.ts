import { z } from "zod";
import { kgToMetres } from "@/lib/textile";
import type { ReceiptInput } from "../api/receipts";

const optionalPositive = z
  .string()
  .trim()
  .refine((v) => v === "" || Number(v) > 0, "Must be above zero.");

const rollSchema = z.object({
  code: z.string().trim().max(40),
  length_m: optionalPositive,
  weight_kg: optionalPositive,
  width_cm: optionalPositive,
  gsm: optionalPositive,
});

export const receiptSchema = z.object({
  purchase_order: z.string().min(1, "Choose a purchase order."),
  location: z.string(),
  received_on: z.string().min(1, "Required."),
  delivery_note: z.string().trim().max(80),
  lines: z.array(
    z
      .object({
        po_line: z.number(),
        receive: z.boolean(),
        unit: z.string(),
        qty: z.string().trim(),
        supplier_lot: z.string().trim().max(80),
        dye_lot: z.string().trim().max(80),
        rolls: z.array(rollSchema),
      })
      .superRefine((line, ctx) => {
        if (!line.receive) return;
        if (line.unit === "m") {
          if (line.rolls.length === 0) ctx.addIssue({ code: "custom", path: ["qty"], message: "Fabric is received roll by roll: add its rolls." });
          line.rolls.forEach((r, j) => {
            if (!r.length_m && !(r.weight_kg && r.width_cm && r.gsm))
              ctx.addIssue({ code: "custom", path: ["rolls", j, "length_m"], message: "Length, or weight with width and GSM." });
          });
        } else if (!(Number(line.qty) > 0)) {
          ctx.addIssue({ code: "custom", path: ["qty"], message: "Enter the quantity received." });
        }
      }),
  ),
});
export type ReceiptFormValues = z.infer<typeof receiptSchema>;

/** Form values → the API's receipt body (a roll given by weight gets its length from width × GSM). */
export function toReceiptBody(v: ReceiptFormValues): ReceiptInput {
  return {
    purchase_order: Number(v.purchase_order),
    ...(v.location ? { location: Number(v.location) } : {}),
    received_on: v.received_on,
    delivery_note: v.delivery_note,
    lines: v.lines
      .filter((l) => l.receive)
      .map((l) => ({
        po_line: l.po_line,
        ...(l.supplier_lot ? { supplier_lot: l.supplier_lot } : {}),
        ...(l.dye_lot ? { dye_lot: l.dye_lot } : {}),
        ...(l.unit === "m"
          ? {
              rolls: l.rolls.map((r) => {
                const length = r.length_m || String(kgToMetres(Number(r.weight_kg), Number(r.width_cm), Number(r.gsm)) ?? "");
                return {
                  length_m: length,
                  ...(r.weight_kg ? { weight_kg: r.weight_kg } : {}),
                  ...(r.width_cm ? { width_cm: r.width_cm } : {}),
                  ...(r.gsm ? { gsm: r.gsm } : {}),
                  ...(r.code ? { code: r.code } : {}),
                };
              }),
            }
          : { qty: l.qty }),
      })),
  };
}
