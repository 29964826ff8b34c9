import { Link } from "react-router-dom";
import { ErrorBanner } from "@/components/ErrorBanner";
import { PageHeader } from "@/components/PageHeader";
import { Spinner } from "@/components/QueryState";
import { useMe } from "@/lib/auth/me";
import { fmtNumber } from "@/lib/format";
import { useKpis, type Kpi } from "../api/get-kpis";

function KpiCard({ kpi }: { kpi: Kpi }) {
  const value = typeof kpi.value === "number" || (typeof kpi.value === "string" && kpi.value !== "" && !Number.isNaN(Number(kpi.value)))
    ? fmtNumber(kpi.value, 2)
    : (kpi.value ?? "—");
  return (
    <article className="kpi-card" aria-label={kpi.label} data-kpi={kpi.name}>
      <h2>{kpi.label}</h2>
      <p className="kpi-value">
        {value}
        {kpi.unit && kpi.value !== null ? <span className="kpi-unit"> {kpi.unit}</span> : null}
      </p>
      {kpi.hint ? <p className="muted">{kpi.hint}</p> : null}
    </article>
  );
}

const SHORTCUTS: { role: string; to: string; label: string }[] = [
  { role: "purchaser", to: "/procurement/purchase-orders/new", label: "New purchase order" },
  { role: "purchase_manager", to: "/procurement/purchase-orders?status=submitted", label: "Orders waiting for approval" },
  { role: "storekeeper", to: "/procurement/receipts/new", label: "Receive goods" },
  { role: "quality", to: "/quality/inspections/new", label: "Inspect rolls" },
  { role: "production", to: "/production/work-orders", label: "Work orders" },
  { role: "sales", to: "/sales/orders/new", label: "New sales order" },
];

export function DashboardPage() {
  const kpis = useKpis();
  const { data: me } = useMe();
  const roles = me?.roles ?? [];
  const shortcuts = SHORTCUTS.filter((s) => roles.includes(s.role) || roles.includes("admin"));
  return (
    <>
      <PageHeader title="Dashboard">
        <p className="muted">Welcome, {me?.display_name || me?.username}.</p>
      </PageHeader>
      {shortcuts.length > 0 && (
        <nav className="shortcuts" aria-label="Shortcuts">
          {shortcuts.map((s) => (
            <Link key={s.to} className="button secondary" to={s.to}>
              {s.label}
            </Link>
          ))}
        </nav>
      )}
      {kpis.error ? (
        <ErrorBanner error={kpis.error} />
      ) : kpis.isPending ? (
        <Spinner label="Loading KPIs…" />
      ) : kpis.data.length === 0 ? (
        <p className="muted">No KPIs yet.</p>
      ) : (
        <section className="kpi-grid" aria-label="Key figures">
          {kpis.data.map((k) => (
            <KpiCard key={k.name} kpi={k} />
          ))}
        </section>
      )}
    </>
  );
}
