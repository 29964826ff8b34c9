import { Link } from "react-router-dom";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { fmtDate, fmtNumber } from "@/lib/format";
import { useListState } from "@/lib/use-list-state";
import { usePurchaseOrders } from "../api/purchase-orders";
import type { PurchaseOrder } from "../types";

export const PO_STATUSES = ["draft", "submitted", "approved", "partially_received", "received", "closed", "cancelled"];

const columns: Column<PurchaseOrder>[] = [
  {
    key: "number",
    header: "Number",
    sortKey: "number",
    render: (o) => <Link to={`/procurement/purchase-orders/${o.id}`}>{o.number ?? `Draft #${o.id}`}</Link>,
  },
  { key: "supplier", header: "Supplier", render: (o) => `${o.supplier_code} · ${o.supplier_name}` },
  { key: "status", header: "Status", render: (o) => <StatusBadge status={o.status} /> },
  { key: "order_date", header: "Ordered", sortKey: "order_date", render: (o) => fmtDate(o.order_date) },
  { key: "expected_date", header: "Expected", sortKey: "expected_date", render: (o) => fmtDate(o.expected_date) },
  { key: "warehouse_code", header: "Warehouse" },
  { key: "total", header: "Total", align: "right", render: (o) => `${fmtNumber(o.total)} ${o.currency}` },
];

export function PurchaseOrdersPage() {
  const list = useListState({ ordering: "-id" });
  const query = usePurchaseOrders(list.params);
  return (
    <>
      <PageHeader
        title="Purchase orders"
        actions={
          <Can action="po.create">
            <Link className="button" to="/procurement/purchase-orders/new">
              New purchase order
            </Link>
          </Can>
        }
      />
      <DataTable
        label="Purchase orders"
        columns={columns}
        query={query}
        state={list}
        searchPlaceholder="Number or supplier…"
        filters={<FilterSelect state={list} name="status" label="Status" options={PO_STATUSES.map((s) => ({ value: s, label: s.replace("_", " ") }))} />}
      />
    </>
  );
}
