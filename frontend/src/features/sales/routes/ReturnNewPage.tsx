import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { useNavigate, useSearchParams } from "react-router-dom";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader } from "@/components/PageHeader";
import { useCan } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, useLocations } from "@/lib/lookups";
import { useCreateReturn } from "../api/returns";
import { useShipment, useShipments } from "../api/shipments";

const schema = z.object({
  shipment: z.string().min(1, "Choose the shipment the rolls came on."),
  location: z.string().min(1, "Choose the quarantine location."),
  reason: z.string().trim().min(1, "Say why the customer returned them."),
  lines: z.array(z.object({ roll: z.number(), selected: z.boolean(), qty: z.string().trim(), max: z.number() })),
});
type Values = z.infer<typeof schema>;

export function ReturnNewPage() {
  const allowed = useCan("return.create");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const create = useCreateReturn();
  const shipments = useShipments({ page_size: 100, ordering: "-shipped_at" });
  const locations = useLocations({ kind: "quarantine" });
  const form = useForm<Values>({
    resolver: zodResolver(
      schema.superRefine((v, ctx) => {
        if (!v.lines.some((l) => l.selected)) ctx.addIssue({ code: "custom", path: ["lines"], message: "Tick at least one returned roll." });
        v.lines.forEach((l, i) => {
          if (l.selected && l.qty !== "" && !(Number(l.qty) > 0 && Number(l.qty) <= l.max))
            ctx.addIssue({ code: "custom", path: ["lines", i, "qty"], message: `Above zero and at most the ${fmtNumber(l.max)} shipped (blank: all).` });
        });
      }),
    ),
    defaultValues: { shipment: params.get("shipment") ?? "", location: "", reason: "", lines: [] },
  });
  const shipmentId = form.watch("shipment");
  const shipment = useShipment(shipmentId || undefined);
  const shipped = shipment.data && String(shipment.data.id) === shipmentId ? shipment.data : undefined;
  useEffect(() => {
    // One row per shipped roll of the chosen shipment, none ticked.
    form.setValue("lines", (shipped?.lines ?? []).map((l) => ({ roll: l.roll, selected: false, qty: "", max: Number(l.qty) })));
  }, [shipped, form]);
  const { errors } = form.formState;
  const lines = form.watch("lines");
  const submit = form.handleSubmit((v) => {
    setExtra([]);
    create.mutate(
      {
        key: key.current,
        body: {
          shipment: Number(v.shipment),
          location: Number(v.location),
          reason: v.reason,
          lines: v.lines.filter((l) => l.selected).map((l) => ({ roll: l.roll, ...(l.qty ? { qty: l.qty } : {}) })),
        },
      },
      { onSuccess: () => navigate("/sales/returns"), onError: (e) => setExtra(applyServerErrors(e, form.setError, (n) => /^(shipment|location|reason|lines)$/.test(n))) },
    );
  });
  if (!allowed) return <p className="banner banner-info">Only storekeepers receive customer returns.</p>;
  return (
    <>
      <PageHeader title="New customer return">
        <p className="muted">Returned rolls go into quarantine and their lots on hold until quality inspects them.</p>
      </PageHeader>
      <form className="panel" aria-label="New customer return" noValidate onSubmit={submit}>
        <ErrorBanner error={create.error} extra={extra} />
        <div className="form-row">
          <SelectField
            label="Shipment"
            placeholder="Choose…"
            options={(shipments.data?.results ?? []).map((s) => ({ value: s.id, label: `${s.number ?? `#${s.id}`} · ${s.customer_code}` }))}
            error={errors.shipment?.message}
            {...form.register("shipment")}
          />
          <SelectField label="Into quarantine" placeholder="Choose…" options={asOptions(locations.data)} error={errors.location?.message} {...form.register("location")} />
          <TextField label="Reason" error={errors.reason?.message} {...form.register("reason")} />
        </div>
        {errors.lines?.root?.message || errors.lines?.message ? (
          <p className="field-error" role="alert">
            {errors.lines?.root?.message ?? errors.lines?.message}
          </p>
        ) : null}
        {shipped && (
          <table className="line-table" aria-label="Shipped rolls">
            <thead>
              <tr>
                <th>Returned</th>
                <th>Roll</th>
                <th>Lot</th>
                <th className="num">Shipped m</th>
                <th className="num">Returned m</th>
              </tr>
            </thead>
            <tbody>
              {shipped.lines.map((l, i) => (
                <tr key={l.id}>
                  <td>
                    <input type="checkbox" aria-label={`Return roll ${l.roll_code}`} {...form.register(`lines.${i}.selected`)} />
                  </td>
                  <td>{l.roll_code}</td>
                  <td>{l.lot_code}</td>
                  <td className="num">{fmtNumber(l.qty)}</td>
                  <td>
                    <TextField label={`Returned metres of ${l.roll_code}`} inputMode="decimal" placeholder="all" disabled={!lines[i]?.selected} error={errors.lines?.[i]?.qty?.message} {...form.register(`lines.${i}.qty`)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="actions" style={{ marginTop: "0.75rem" }}>
          <button type="submit" disabled={create.isPending}>
            Receive return
          </button>
        </div>
      </form>
    </>
  );
}
