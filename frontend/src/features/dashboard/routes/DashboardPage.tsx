import { useState } from "react";
import { Link } from "react-router-dom";
import { ErrorBanner } from "@/components/ErrorBanner";
import { PageHeader } from "@/components/PageHeader";
import { Spinner } from "@/components/QueryState";
import { useMe } from "@/lib/auth/me";
import { fmtNumber } from "@/lib/format";
import { useKpis, type Kpi } from "../api/get-kpis";

/** A ratio reads as a percentage; money and counts as plain numbers. */
export function formatKpi(kpi: Kpi): { value: string; unit: string } {
  const numeric = typeof kpi.value === "number" || (typeof kpi.value === "string" && kpi.value !== "" && !Number.isNaN(Number(kpi.value)));
  if (kpi.value === null || kpi.value === undefined) return { value: "—", unit: "" };
  if (!numeric) return { value: String(kpi.value), unit: kpi.unit ?? "" };
  if (kpi.unit === "ratio") return { value: fmtNumber(Number(kpi.value) * 100, 1), unit: "%" };
  if (kpi.unit === "money") return { value: fmtNumber(kpi.value, 2), unit: "" };
  return { value: fmtNumber(kpi.value, 2), unit: kpi.unit ?? "" };
}

function KpiCard({ kpi }: { kpi: Kpi }) {
  const { value, unit } = formatKpi(kpi);
  return (
    <article className="kpi-card" aria-label={kpi.label} data-kpi={kpi.name}>
      <h2>{kpi.label}</h2>
      <p className="kpi-value">
        {value}
        {unit ? <span className="kpi-unit"> {unit}</span> : null}
      </p>
      {kpi.hint ? (
        <p className="muted" title={kpi.hint}>
          {kpi.hint.length > 90 ? `${kpi.hint.slice(0, 90)}…` : kpi.hint}
        </p>
      ) : null}
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
  const [period, setPeriod] = useState<{ from?: string; to?: string }>({});
  const kpis = useKpis(period);
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
      <form className="actions" aria-label="KPI period" onSubmit={(e) => e.preventDefault()} style={{ marginBottom: "0.75rem" }}>
        <label>
          From <input type="date" value={period.from ?? ""} onChange={(e) => setPeriod((p) => ({ ...p, from: e.target.value || undefined }))} />
        </label>
        <label>
          To <input type="date" value={period.to ?? ""} onChange={(e) => setPeriod((p) => ({ ...p, to: e.target.value || undefined }))} />
        </label>
        {kpis.data?.from ? (
          <span className="muted">
            {kpis.data.from.slice(0, 10)} – {kpis.data.to?.slice(0, 10)}
          </span>
        ) : null}
      </form>
      {kpis.error ? (
        <ErrorBanner error={kpis.error} />
      ) : kpis.isPending ? (
        <Spinner label="Loading KPIs…" />
      ) : kpis.data.kpis.length === 0 ? (
        <p className="muted">No KPIs yet.</p>
      ) : (
        <section className="kpi-grid" aria-label="Key figures">
          {kpis.data.kpis.map((k) => (
            <KpiCard key={k.name} kpi={k} />
          ))}
        </section>
      )}
    </>
  );
}
