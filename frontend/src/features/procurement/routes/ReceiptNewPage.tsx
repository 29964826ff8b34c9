import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { FormProvider, useForm, useWatch } from "react-hook-form";
import { useNavigate, useSearchParams } from "react-router-dom";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { Spinner } from "@/components/QueryState";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber, today } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { useLocations, useMaterials } from "@/lib/lookups";
import { usePurchaseOrder, usePurchaseOrders } from "../api/purchase-orders";
import { useCreateReceipt } from "../api/receipts";
import { RollsEditor } from "../components/RollsEditor";
import { receiptSchema, toReceiptBody, type ReceiptFormValues } from "../components/receipt-form";
import type { PurchaseOrder } from "../types";

function linesFor(po: PurchaseOrder | undefined, materials: { id: number; gsm?: string | null; width_cm?: string | null }[] = []) {
  return (po?.lines ?? []).map((l) => {
    const open = Math.max(0, Number(l.qty) - Number(l.qty_received));
    const material = materials.find((m) => m.id === l.material);
    return {
      po_line: l.id,
      receive: open > 0,
      unit: l.unit,
      qty: open > 0 && l.unit !== "m" ? String(open) : "",
      supplier_lot: "",
      dye_lot: "",
      rolls: l.unit === "m" ? [{ code: "", length_m: "", weight_kg: "", width_cm: material?.width_cm ?? "", gsm: material?.gsm ?? "" }] : [],
    };
  });
}

export function ReceiptNewPage() {
  const allowed = useCan("receipt.create");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const openOrders = usePurchaseOrders({ status__in: "approved,partially_received", page_size: 200, ordering: "-id" });
  const locations = useLocations();
  const materials = useMaterials();
  const create = useCreateReceipt();
  const form = useForm<ReceiptFormValues>({
    resolver: zodResolver(receiptSchema),
    defaultValues: { purchase_order: params.get("purchase_order") ?? "", location: "", received_on: today(), delivery_note: "", lines: [] },
  });
  const poId = useWatch({ control: form.control, name: "purchase_order" });
  const po = usePurchaseOrder(poId || undefined);
  const lineValues = useWatch({ control: form.control, name: "lines" });

  useEffect(() => {
    if (po.data && materials.data) form.setValue("lines", linesFor(po.data, materials.data));
  }, [po.data, materials.data, form]);
  useEffect(() => {
    // Receipts wait in quarantine until incoming inspection passes.
    const quarantine = locations.data?.find((l) => l.kind === "quarantine");
    if (quarantine && !form.getValues("location")) form.setValue("location", String(quarantine.id));
  }, [locations.data, form]);

  const { errors } = form.formState;
  const submit = form.handleSubmit((v) => {
    setExtra([]);
    const body = toReceiptBody(v);
    if (body.lines.length === 0) {
      setExtra(["Tick at least one line to receive."]);
      return;
    }
    // The API numbers lines by position in the body; map them back to the form's rows.
    const formIndex = v.lines.map((l, i) => (l.receive ? i : -1)).filter((i) => i >= 0);
    create.mutate(
      { body, key: key.current },
      {
        onSuccess: (receipt) => navigate(`/procurement/receipts/${receipt.id}`),
        onError: (e) =>
          setExtra(
            applyServerErrors(
              e,
              (name, err, opts) => form.setError(name.replace(/^lines\.(\d+)/, (_m, n) => `lines.${formIndex[Number(n)] ?? n}`) as never, err, opts),
              (name) => /^(location|received_on|delivery_note|lines\.\d+\.(qty|supplier_lot|dye_lot|rolls\.\d+\.(length_m|weight_kg|width_cm|gsm|code)))$/.test(name),
            ),
          ),
      },
    );
  });

  if (!allowed) return <p className="banner banner-info">Only storekeepers record goods receipts.</p>;
  return (
    <>
      <PageHeader title="Receive goods" />
      <FormProvider {...form}>
        <form className="panel" onSubmit={submit} noValidate aria-label="Goods receipt">
          <ErrorBanner error={create.error} extra={extra} />
          <div className="form-row">
            <SelectField
              label="Purchase order"
              placeholder="Choose…"
              options={(openOrders.data?.results ?? []).map((o) => ({ value: o.id, label: `${o.number ?? o.id} · ${o.supplier_code} (${o.status.replace("_", " ")})` }))}
              error={errors.purchase_order?.message}
              {...form.register("purchase_order")}
            />
            <SelectField
              label="Receive into"
              placeholder="default (quarantine)"
              options={(locations.data ?? []).map((l) => ({ value: l.id, label: `${l.code} · ${l.kind}` }))}
              error={errors.location?.message}
              {...form.register("location")}
            />
            <TextField label="Received on" type="date" error={errors.received_on?.message} {...form.register("received_on")} />
            <TextField label="Delivery note" error={errors.delivery_note?.message} {...form.register("delivery_note")} />
          </div>
          {poId && po.isPending ? <Spinner /> : null}
          {po.data?.lines.map((line, i) => {
            const v = lineValues?.[i];
            if (!v) return null;
            const material = materials.data?.find((m) => m.id === line.material);
            const open = Number(line.qty) - Number(line.qty_received);
            return (
              <fieldset key={line.id} className="panel">
                <legend>
                  Line {line.line_no}: {line.material_code} — ordered {fmtNumber(line.qty, 3)} {line.unit}, received {fmtNumber(line.qty_received, 3)}, open{" "}
                  {fmtNumber(open, 3)}
                </legend>
                <label>
                  <input type="checkbox" {...form.register(`lines.${i}.receive`)} /> Receive this line
                </label>
                {v.receive && (
                  <>
                    <div className="form-row">
                      <TextField label={`Line ${line.line_no} supplier lot`} error={errors.lines?.[i]?.supplier_lot?.message} {...form.register(`lines.${i}.supplier_lot`)} />
                      <TextField label={`Line ${line.line_no} dye lot`} error={errors.lines?.[i]?.dye_lot?.message} {...form.register(`lines.${i}.dye_lot`)} />
                      {line.unit !== "m" && (
                        <TextField
                          label={`Line ${line.line_no} quantity (${line.unit})`}
                          inputMode="decimal"
                          error={errors.lines?.[i]?.qty?.message}
                          {...form.register(`lines.${i}.qty`)}
                        />
                      )}
                    </div>
                    {line.unit === "m" && (
                      <>
                        {errors.lines?.[i]?.qty?.message ? <p className="field-error">{errors.lines[i]?.qty?.message}</p> : null}
                        <RollsEditor lineIndex={i} defaults={{ width_cm: material?.width_cm ?? "", gsm: material?.gsm ?? "" }} />
                      </>
                    )}
                  </>
                )}
              </fieldset>
            );
          })}
          <div className="actions">
            <button type="submit" disabled={create.isPending || !po.data}>
              {create.isPending ? "Posting…" : "Post receipt"}
            </button>
          </div>
        </form>
      </FormProvider>
    </>
  );
}
