import { Link } from "react-router-dom";
import { DataTable, type Column } from "@/components/DataTable";
import { Can } from "@/lib/auth/Can";
import { PageHeader } from "@/components/PageHeader";
import { fmtDate } from "@/lib/format";
import { useListState } from "@/lib/use-list-state";
import { useReturns } from "../api/returns";
import type { CustomerReturn } from "../types";

const columns: Column<CustomerReturn>[] = [
  { key: "number", header: "Number", sortKey: "number" },
  { key: "shipment_number", header: "Shipment" },
  { key: "customer_code", header: "Customer" },
  { key: "location_code", header: "Into" },
  { key: "returned_at", header: "Returned", sortKey: "returned_at", render: (r) => fmtDate(r.returned_at) },
  { key: "rolls", header: "Rolls", render: (r) => r.lines.map((l) => l.roll_code).join(", ") },
  { key: "reason", header: "Reason" },
];

export function ReturnsPage() {
  const list = useListState({ ordering: "-returned_at" });
  const query = useReturns(list.params);
  return (
    <>
      <PageHeader
        title="Customer returns"
        actions={
          <Can action="return.create">
            <Link className="button" to="/sales/returns/new">
              New return
            </Link>
          </Can>
        }
      >
        <p className="muted">Returned rolls go into quarantine and their lots on hold until quality inspects them.</p>
      </PageHeader>
      <DataTable label="Customer returns" columns={columns} query={query} state={list} />
    </>
  );
}
