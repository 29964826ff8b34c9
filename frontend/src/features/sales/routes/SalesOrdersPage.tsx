import { Link } from "react-router-dom";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Can } from "@/lib/auth/Can";
import { fmtDate, fmtNumber } from "@/lib/format";
import { useListState } from "@/lib/use-list-state";
import { useSalesOrders } from "../api/orders";
import type { SalesOrder } from "../types";

const STATUSES = ["draft", "confirmed", "allocated", "partially_shipped", "shipped", "closed", "cancelled"];

const columns: Column<SalesOrder>[] = [
  { key: "number", header: "Number", sortKey: "number", render: (o) => <Link to={`/sales/orders/${o.id}`}>{o.number ?? `#${o.id}`}</Link> },
  { key: "customer_code", header: "Customer" },
  { key: "customer_ref", header: "Customer ref" },
  { key: "status", header: "Status", render: (o) => <StatusBadge status={o.status} /> },
  { key: "order_date", header: "Ordered", sortKey: "order_date", render: (o) => fmtDate(o.order_date) },
  { key: "qty", header: "Metres", align: "right", render: (o) => fmtNumber(o.lines.reduce((s, l) => s + Number(l.qty), 0)) },
  { key: "allocated", header: "Allocated", align: "right", render: (o) => fmtNumber(o.lines.reduce((s, l) => s + Number(l.allocated), 0)) },
];

export function SalesOrdersPage() {
  const list = useListState({ ordering: "-created_at" });
  const query = useSalesOrders(list.params);
  return (
    <>
      <PageHeader
        title="Sales orders"
        actions={
          <Can action="so.create">
            <Link className="button" to="/sales/orders/new">
              New sales order
            </Link>
          </Can>
        }
      />
      <DataTable
        label="Sales orders"
        columns={columns}
        query={query}
        state={list}
        searchPlaceholder="Number, customer, reference…"
        filters={<FilterSelect state={list} name="status" label="Status" options={STATUSES.map((s) => ({ value: s, label: s.replace("_", " ") }))} />}
      />
    </>
  );
}
