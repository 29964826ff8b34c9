import { useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { EditDocumentPanel } from "@/components/EditDocumentPanel";
import { ErrorBanner } from "@/components/ErrorBanner";
import { TextField } from "@/components/Field";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { TransitionBar } from "@/components/TransitionBar";
import { useMe } from "@/lib/auth/me";
import { fmtDate, fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { notify } from "@/lib/notifications";
import { can } from "@/lib/roles";
import { SALES_ORDERS, useSalesOrder, useSalesOrderTransition, type SalesOrderAction } from "../api/orders";
import { useCreateShipment } from "../api/shipments";
import type { LineAllocationPlan, SalesOrder } from "../types";

function AllocationPlan({ plan }: { plan: LineAllocationPlan[] }) {
  return (
    <section className="banner banner-info" aria-label="Allocation result">
      <strong>Allocation</strong>
      <ul>
        {plan.map((p) => (
          <li key={p.line}>
            Line {p.line_no} ({p.material}): {fmtNumber(p.allocated)} of {fmtNumber(p.requested)} m — rolls {p.rolls.join(", ") || "none new"}; lot
            {p.dye_lots.length === 1 ? "" : "s"} {p.dye_lots.join(", ") || "—"}
            {p.single_dye_lot ? " (one dye lot)" : ""}; shade band{p.shade_bands.length === 1 ? "" : "s"} {p.shade_bands.join(", ") || "—"}
            {p.message ? <em> — {p.message}</em> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Storekeepers ship the rolls reserved for the order (all of them, or a chosen subset). */
function ShipPanel({ order }: { order: SalesOrder }) {
  const navigate = useNavigate();
  const key = useRef(newIdempotencyKey());
  const reserved = order.lines.flatMap((l) => l.allocations.filter((a) => a.status === "reserved").map((a) => ({ ...a, line_no: l.line_no })));
  const [chosen, setChosen] = useState<Set<number>>(() => new Set(reserved.map((a) => a.roll)));
  const [carrier, setCarrier] = useState("");
  const [vehicle, setVehicle] = useState("");
  const ship = useCreateShipment();
  if (reserved.length === 0) return null;
  return (
    <form
      className="panel"
      aria-label="Ship rolls"
      onSubmit={(e) => {
        e.preventDefault();
        ship.mutate(
          { body: { order: order.id, rolls: [...chosen], carrier, vehicle }, key: key.current },
          { onSuccess: (shipment) => navigate(`/sales/shipments/${shipment.id}`) },
        );
      }}
    >
      <h2>Ship reserved rolls</h2>
      <ErrorBanner error={ship.error} />
      <table>
        <thead>
          <tr>
            <th>Ship</th>
            <th>Line</th>
            <th>Roll</th>
            <th>Lot</th>
            <th>Dye lot</th>
            <th>Shade band</th>
            <th>Location</th>
            <th className="num">Metres</th>
          </tr>
        </thead>
        <tbody>
          {reserved.map((a) => (
            <tr key={a.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Ship roll ${a.roll_code}`}
                  checked={chosen.has(a.roll)}
                  onChange={(e) =>
                    setChosen((prev) => {
                      const next = new Set(prev);
                      if (e.target.checked) next.add(a.roll);
                      else next.delete(a.roll);
                      return next;
                    })
                  }
                />
              </td>
              <td>{a.line_no}</td>
              <td>{a.roll_code}</td>
              <td>{a.lot_code}</td>
              <td>{a.dye_lot || "—"}</td>
              <td>{a.shade_band || "—"}</td>
              <td>{a.location_code}</td>
              <td className="num">{fmtNumber(a.qty)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-row">
        <TextField label="Carrier" value={carrier} onChange={(e) => setCarrier(e.target.value)} />
        <TextField label="Vehicle" value={vehicle} onChange={(e) => setVehicle(e.target.value)} />
      </div>
      <button type="submit" disabled={ship.isPending || chosen.size === 0}>
        Post shipment ({chosen.size} rolls)
      </button>
    </form>
  );
}

export function SalesOrderDetailPage() {
  const { id } = useParams();
  const order = useSalesOrder(id);
  const transition = useSalesOrderTransition();
  const { data: me } = useMe();
  const perms = me?.permissions;
  const [plan, setPlan] = useState<LineAllocationPlan[] | null>(null);
  const [editing, setEditing] = useState(false);
  return (
    <QueryState query={order}>
      {(so) => (
        <>
          <PageHeader
            title={`Sales order ${so.number ?? `#${so.id}`}`}
            actions={
              <>
              {so.status === "draft" && can(perms, "so.edit") && !editing && (
                <button type="button" className="secondary" onClick={() => setEditing(true)}>
                  Edit header
                </button>
              )}
              <TransitionBar
                pending={transition.isPending}
                onRun={(action, reason) =>
                  transition.mutate(
                    { order: so, action: action as SalesOrderAction, reason },
                    {
                      onSuccess: (updated) => {
                        notify.success(`Sales order ${updated.number ?? ""} is ${updated.status.replace("_", " ")}.`);
                        if (updated.allocation) setPlan(updated.allocation);
                        (updated.warnings ?? []).forEach((w) => notify.info(w));
                      },
                    },
                  )
                }
                transitions={[
                  { action: "confirm", label: "Confirm", visible: so.status === "draft" && can(perms, "so.confirm") },
                  {
                    action: "allocate",
                    label: so.status === "confirmed" ? "Allocate rolls" : "Allocate remaining",
                    visible: ["confirmed", "allocated", "partially_shipped"].includes(so.status) && can(perms, "so.allocate"),
                  },
                  { action: "close", label: "Close", variant: "secondary", needsNote: true, visible: ["shipped", "partially_shipped"].includes(so.status) && can(perms, "so.close") },
                  { action: "cancel", label: "Cancel order", variant: "danger", needsNote: true, visible: ["draft", "confirmed", "allocated"].includes(so.status) && can(perms, "so.cancel") },
                ]}
              />
              </>
            }
          >
            <StatusBadge status={so.status} /> <span className="muted">{so.customer_code}{so.customer_ref ? ` · ref ${so.customer_ref}` : ""} · {fmtDate(so.order_date)}</span>
          </PageHeader>
          {editing && (
            <EditDocumentPanel
              path={SALES_ORDERS}
              id={so.id}
              title="Edit sales order header"
              onDone={() => setEditing(false)}
              fields={[
                { name: "customer_ref", label: "Customer reference" },
                { name: "order_date", label: "Order date", kind: "date" },
                { name: "notes", label: "Notes", kind: "textarea" },
              ]}
            />
          )}
          {plan && <AllocationPlan plan={plan} />}
          {so.lines.map((line) => (
            <section key={line.id} className="panel" aria-label={`Line ${line.line_no}`}>
              <h2>
                Line {line.line_no}: {line.material_code} — {fmtNumber(line.qty)} m at {fmtNumber(line.unit_price, 4)}/m, requested {fmtDate(line.requested_date)}
              </h2>
              <p className="muted">
                Allocated {fmtNumber(line.allocated)} m · shipped {fmtNumber(line.shipped)} m
              </p>
              {line.allocations.length > 0 && (
                <table>
                  <thead>
                    <tr>
                      <th>Roll</th>
                      <th>Lot</th>
                      <th>Dye lot</th>
                      <th>Shade band</th>
                      <th>Location</th>
                      <th className="num">Metres</th>
                      <th>Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {line.allocations.map((a) => (
                      <tr key={a.id}>
                        <td>{a.roll_code}</td>
                        <td>
                          <Link to={`/inventory/lots/${a.lot}`}>{a.lot_code}</Link>
                        </td>
                        <td>{a.dye_lot || "—"}</td>
                        <td>{a.shade_band || "—"}</td>
                        <td>{a.location_code}</td>
                        <td className="num">{fmtNumber(a.qty)}</td>
                        <td>
                          <StatusBadge status={a.status} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          ))}
          {can(perms, "shipment.create") && <ShipPanel key={so.version} order={so} />}
          <p>
            <Link to={`/sales/shipments?order=${so.id}`}>Shipments of this order</Link>
          </p>
        </>
      )}
    </QueryState>
  );
}
