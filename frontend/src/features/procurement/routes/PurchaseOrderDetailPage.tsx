import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { EditDocumentPanel, rules } from "@/components/EditDocumentPanel";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { TransitionBar } from "@/components/TransitionBar";
import { useMe } from "@/lib/auth/me";
import { fmtDate, fmtNumber } from "@/lib/format";
import { notify } from "@/lib/notifications";
import { can } from "@/lib/roles";
import { PURCHASE_ORDERS, usePurchaseOrder, usePurchaseOrderTransition, type PurchaseOrderAction } from "../api/purchase-orders";
import type { PurchaseOrder } from "../types";

const OPEN = ["draft", "submitted", "approved", "partially_received"];

function warningsOf(order: PurchaseOrder): string[] {
  return (order.warnings ?? []).map((w) => (typeof w === "string" ? w : String((w as { message?: string }).message ?? JSON.stringify(w))));
}

export function PurchaseOrderDetailPage() {
  const { id } = useParams();
  const order = usePurchaseOrder(id);
  const transition = usePurchaseOrderTransition();
  const { data: me } = useMe();
  const perms = me?.permissions;
  const [editing, setEditing] = useState(false);
  return (
    <QueryState query={order}>
      {(po) => (
        <>
          <PageHeader
            title={`Purchase order ${po.number ?? `(draft #${po.id})`}`}
            actions={
              <>
                <TransitionBar
                  pending={transition.isPending}
                  onRun={(action, note) =>
                    transition.mutate(
                      { order: po, action: action as PurchaseOrderAction, note },
                      {
                        onSuccess: (updated) => {
                          notify.success(`Purchase order ${updated.number ?? ""} is ${updated.status.replace("_", " ")}.`);
                          warningsOf(updated).forEach((w) => notify.info(w));
                        },
                      },
                    )
                  }
                  transitions={[
                    { action: "submit", label: "Submit", visible: po.status === "draft" && can(perms, "po.submit") },
                    { action: "approve", label: "Approve", visible: po.status === "submitted" && can(perms, "po.approve") },
                    { action: "close", label: "Close", variant: "secondary", visible: ["partially_received", "received"].includes(po.status) && can(perms, "po.close") },
                    { action: "cancel", label: "Cancel order", variant: "danger", needsNote: true, visible: OPEN.includes(po.status) && can(perms, "po.cancel") },
                  ]}
                />
                {po.status === "draft" && can(perms, "po.edit") && !editing && (
                  <button type="button" className="secondary" onClick={() => setEditing(true)}>
                    Edit header
                  </button>
                )}
                {["approved", "partially_received"].includes(po.status) && can(perms, "receipt.create") && (
                  <Link className="button" to={`/procurement/receipts/new?purchase_order=${po.id}`}>
                    Receive goods
                  </Link>
                )}
              </>
            }
          >
            <StatusBadge status={po.status} />
          </PageHeader>
          {warningsOf(po).length > 0 && (
            <div className="banner banner-warn" role="status">
              {warningsOf(po).join(" ")}
            </div>
          )}
          {editing && (
            <EditDocumentPanel
              path={PURCHASE_ORDERS}
              id={po.id}
              title="Edit purchase order header"
              onDone={() => setEditing(false)}
              fields={[
                { name: "expected_date", label: "Expected date", kind: "date" },
                { name: "currency", label: "Currency", validate: rules.currency },
                { name: "notes", label: "Notes", kind: "textarea" },
              ]}
            />
          )}
          <section className="panel">
            <dl className="facts">
              <dt>Supplier</dt>
              <dd>
                {po.supplier_code} · {po.supplier_name}
              </dd>
              <dt>Warehouse</dt>
              <dd>{po.warehouse_code}</dd>
              <dt>Ordered</dt>
              <dd>{fmtDate(po.order_date)}</dd>
              <dt>Expected</dt>
              <dd>{fmtDate(po.expected_date)}</dd>
              <dt>Total</dt>
              <dd>
                {fmtNumber(po.total)} {po.currency}
              </dd>
              {po.notes ? (
                <>
                  <dt>Notes</dt>
                  <dd>{po.notes}</dd>
                </>
              ) : null}
            </dl>
          </section>
          <section className="data-table" aria-label="Lines">
            <table>
              <thead>
                <tr>
                  <th>#</th>
                  <th>Material</th>
                  <th className="num">Ordered</th>
                  <th className="num">Received</th>
                  <th className="num">Unit price</th>
                  <th className="num">List price</th>
                  <th className="num">Amount</th>
                  <th>Promised</th>
                </tr>
              </thead>
              <tbody>
                {po.lines.map((l) => (
                  <tr key={l.id}>
                    <td>{l.line_no}</td>
                    <td>{l.material_code}</td>
                    <td className="num">
                      {fmtNumber(l.qty, 3)} {l.unit}
                    </td>
                    <td className="num">{fmtNumber(l.qty_received, 3)}</td>
                    <td className="num">{fmtNumber(l.unit_price, 4)}</td>
                    <td className="num">{fmtNumber(l.list_price, 4)}</td>
                    <td className="num">{fmtNumber(l.amount)}</td>
                    <td>{fmtDate(l.promised_date)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <h2>Status history</h2>
          <ol className="panel" aria-label="Status history">
            {po.status_log.map((s, i) => (
              <li key={i}>
                {fmtDate(s.at)} — {s.from_status || "new"} → <strong>{s.to_status}</strong> by {s.user ?? "system"}
                {s.note ? ` (${s.note})` : ""}
              </li>
            ))}
          </ol>
          <p>
            <Link to={`/procurement/receipts?purchase_order=${po.id}`}>Receipts of this order</Link>
          </p>
        </>
      )}
    </QueryState>
  );
}
