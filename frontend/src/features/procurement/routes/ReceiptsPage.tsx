import { Link } from "react-router-dom";
import { DataTable, type Column } from "@/components/DataTable";
import { PageHeader } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { fmtDate } from "@/lib/format";
import { useListState } from "@/lib/use-list-state";
import { useReceipts } from "../api/receipts";
import type { Receipt } from "../types";

const columns: Column<Receipt>[] = [
  { key: "number", header: "Number", render: (r) => <Link to={`/procurement/receipts/${r.id}`}>{r.number ?? `#${r.id}`}</Link> },
  {
    key: "purchase_order",
    header: "Purchase order",
    render: (r) => <Link to={`/procurement/purchase-orders/${r.purchase_order}`}>{r.purchase_order_number ?? r.purchase_order}</Link>,
  },
  { key: "supplier_code", header: "Supplier" },
  { key: "location_code", header: "Location" },
  { key: "received_on", header: "Received", sortKey: "received_on", render: (r) => fmtDate(r.received_on) },
  { key: "delivery_note", header: "Delivery note" },
  { key: "lots", header: "Lots", render: (r) => r.lines.map((l) => l.lot.code).join(", ") },
];

export function ReceiptsPage() {
  const list = useListState({ ordering: "-id" });
  const query = useReceipts(list.params);
  return (
    <>
      <PageHeader
        title="Goods receipts"
        actions={
          <Can action="receipt.create">
            <Link className="button" to="/procurement/receipts/new">
              Receive goods
            </Link>
          </Can>
        }
      />
      <DataTable label="Goods receipts" columns={columns} query={query} state={list} searchPlaceholder="Number, PO, delivery note…" />
    </>
  );
}
