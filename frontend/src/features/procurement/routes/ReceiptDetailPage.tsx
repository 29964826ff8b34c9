import { Link, useParams } from "react-router-dom";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { fmtDate, fmtNumber } from "@/lib/format";
import { useReceipt } from "../api/receipts";

export function ReceiptDetailPage() {
  const { id } = useParams();
  const receipt = useReceipt(id);
  return (
    <QueryState query={receipt}>
      {(r) => (
        <>
          <PageHeader title={`Goods receipt ${r.number ?? r.id}`}>
            <p className="muted">
              PO <Link to={`/procurement/purchase-orders/${r.purchase_order}`}>{r.purchase_order_number}</Link> · {r.supplier_code} · into {r.location_code} on{" "}
              {fmtDate(r.received_on)}
              {r.delivery_note ? ` · delivery note ${r.delivery_note}` : ""}
            </p>
          </PageHeader>
          {r.lines.map((line) => (
            <section key={line.id} className="panel" aria-label={`Lot ${line.lot.code}`}>
              <h2>
                Line {line.line_no}: {line.material_code} — {fmtNumber(line.qty, 3)} {line.unit} → lot{" "}
                <Link to={`/inventory/lots/${line.lot.id}`}>{line.lot.code}</Link> <StatusBadge status={line.lot.qc_status} />
              </h2>
              <p className="muted">
                Supplier lot {line.lot.supplier_lot || "—"} · dye lot {line.lot.dye_lot || "—"}
              </p>
              {line.lot.rolls.length > 0 && (
                <table>
                  <thead>
                    <tr>
                      <th>Roll</th>
                      <th className="num">Length m</th>
                      <th className="num">Weight kg</th>
                      <th className="num">Width cm</th>
                      <th className="num">GSM</th>
                    </tr>
                  </thead>
                  <tbody>
                    {line.lot.rolls.map((roll) => (
                      <tr key={roll.id}>
                        <td>{roll.code}</td>
                        <td className="num">{fmtNumber(roll.length_m)}</td>
                        <td className="num">{fmtNumber(roll.weight_kg, 3)}</td>
                        <td className="num">{fmtNumber(roll.width_cm)}</td>
                        <td className="num">{fmtNumber(roll.gsm)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <p>
                <Link className="button secondary" to={`/quality/inspections/new?lot=${line.lot.id}`}>
                  Inspect lot {line.lot.code}
                </Link>
              </p>
            </section>
          ))}
        </>
      )}
    </QueryState>
  );
}
