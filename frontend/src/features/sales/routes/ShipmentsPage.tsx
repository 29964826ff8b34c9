import { Link, useParams } from "react-router-dom";
import { DataTable, type Column } from "@/components/DataTable";
import { PageHeader } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { useMe } from "@/lib/auth/me";
import { fmtDate, fmtNumber } from "@/lib/format";
import { can } from "@/lib/roles";
import { useListState } from "@/lib/use-list-state";
import { useShipment, useShipments } from "../api/shipments";
import { ShipmentDocuments } from "../components/ShipmentDocuments";
import type { Shipment } from "../types";

const columns: Column<Shipment>[] = [
  { key: "number", header: "Number", sortKey: "number", render: (s) => <Link to={`/sales/shipments/${s.id}`}>{s.number ?? `#${s.id}`}</Link> },
  { key: "order_number", header: "Order", render: (s) => <Link to={`/sales/orders/${s.order}`}>{s.order_number ?? s.order}</Link> },
  { key: "customer_code", header: "Customer" },
  { key: "shipped_at", header: "Shipped", sortKey: "shipped_at", render: (s) => fmtDate(s.shipped_at) },
  { key: "carrier", header: "Carrier" },
  { key: "rolls", header: "Rolls", align: "right", render: (s) => s.lines.length },
  { key: "metres", header: "Metres", align: "right", render: (s) => fmtNumber(s.lines.reduce((t, l) => t + Number(l.qty), 0)) },
];

export function ShipmentsPage() {
  const list = useListState({ ordering: "-shipped_at" });
  const query = useShipments(list.params);
  return (
    <>
      <PageHeader title="Shipments" />
      <DataTable label="Shipments" columns={columns} query={query} state={list} searchPlaceholder="Number, order, customer…" />
    </>
  );
}

export function ShipmentDetailPage() {
  const { id } = useParams();
  const shipment = useShipment(id);
  const { data: me } = useMe();
  const perms = me?.permissions;
  return (
    <QueryState query={shipment}>
      {(s) => (
        <>
          <PageHeader
            title={`Shipment ${s.number ?? s.id}`}
            actions={
              <>
                {can(perms, "shipment.documents") && <ShipmentDocuments shipment={s} />}
                {can(perms, "return.create") && (
                  <Link className="button secondary" to={`/sales/returns/new?shipment=${s.id}`}>
                    Record a return
                  </Link>
                )}
              </>
            }
          >
            <p className="muted">
              Order <Link to={`/sales/orders/${s.order}`}>{s.order_number}</Link> · {s.customer_code} · {fmtDate(s.shipped_at)}
              {s.carrier ? ` · ${s.carrier}` : ""} {s.vehicle}
            </p>
          </PageHeader>
          <section className="data-table" aria-label="Shipped rolls">
            <table>
              <thead>
                <tr>
                  <th>Line</th>
                  <th>Roll</th>
                  <th>Lot</th>
                  <th>Dye lot</th>
                  <th>Shade band</th>
                  <th>Grade</th>
                  <th className="num">Metres</th>
                  <th className="num">kg</th>
                  <th>Trace</th>
                </tr>
              </thead>
              <tbody>
                {s.lines.map((l) => (
                  <tr key={l.id}>
                    <td>{l.line_no}</td>
                    <td>{l.roll_code}</td>
                    <td>
                      <Link to={`/inventory/lots/${l.lot}`}>{l.lot_code}</Link>
                    </td>
                    <td>{l.dye_lot || "—"}</td>
                    <td>{l.shade_band || "—"}</td>
                    <td>{l.grade || "—"}</td>
                    <td className="num">{fmtNumber(l.qty)}</td>
                    <td className="num">{fmtNumber(l.weight_kg, 3)}</td>
                    <td>
                      <Link to={`/trace?roll=${l.roll}&direction=upstream`} aria-label={`Trace roll ${l.roll_code}`}>
                        Trace upstream
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </QueryState>
  );
}
