import { useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Spinner } from "@/components/QueryState";
import { useCan } from "@/lib/auth/me";
import { fmtNumber } from "@/lib/format";
import { useLocations } from "@/lib/lookups";
import { notify } from "@/lib/notifications";
import { useInspectableLot, useInspectableLots, useLotDisposition, useLotRolls, type Disposition } from "../api/lot-disposition";
import { usePointsThresholds } from "../api/points-thresholds";
import { useRollInspections } from "../api/roll-inspections";
import { FourPointForm } from "../components/FourPointForm";
import type { LotForInspection } from "../types";

function DispositionPanel({ lot }: { lot: LotForInspection }) {
  const locations = useLocations();
  const destinations = (locations.data ?? []).filter((l) => l.kind !== "quarantine");
  const [toLocation, setToLocation] = useState("");
  const [note, setNote] = useState("");
  const disposition = useLotDisposition();
  const run = (action: Disposition) => {
    if (action === "release" && !toLocation) {
      notify.error("Choose where the released stock goes.");
      return;
    }
    disposition.mutate(
      { lot, action, body: { ...(action === "release" ? { to_location: Number(toLocation) } : {}), note } },
      { onSuccess: (updated) => notify.success(`Lot ${updated.code} is ${updated.qc_status.replace("_", " ")}.`) },
    );
  };
  return (
    <section className="panel" aria-label="Lot decision">
      <h2>Decision for lot {lot.code}</h2>
      <ErrorBanner error={disposition.error} />
      <div className="form-row">
        <SelectField
          label="Release to"
          placeholder="Choose…"
          value={toLocation}
          onChange={(e) => setToLocation(e.target.value)}
          options={destinations.map((l) => ({ value: l.id, label: `${l.code} · ${l.kind.replace("_", " ")}` }))}
        />
        <TextField label="Decision note" value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="actions">
        <button type="button" onClick={() => run("release")} disabled={disposition.isPending}>
          Release lot
        </button>
        <button type="button" className="secondary" onClick={() => run("hold")} disabled={disposition.isPending || lot.qc_status === "on_hold"}>
          Hold
        </button>
        <button type="button" className="danger" onClick={() => run("reject")} disabled={disposition.isPending || lot.qc_status === "rejected"}>
          Reject
        </button>
      </div>
    </section>
  );
}

function LotPicker() {
  const [, setParams] = useSearchParams();
  const [search, setSearch] = useState("");
  const lots = useInspectableLots({ qc_status__in: "quarantine,on_hold", search: search || undefined, page_size: 50, ordering: "-id" });
  return (
    <section className="panel" aria-label="Lots waiting for inspection">
      <h2>Lots waiting for inspection</h2>
      <input type="search" aria-label="Search lots" placeholder="lot, dye lot, supplier lot…" value={search} onChange={(e) => setSearch(e.target.value)} />
      {lots.error ? <ErrorBanner error={lots.error} /> : null}
      <ul>
        {(lots.data?.results ?? []).map((l) => (
          <li key={l.id}>
            <button type="button" className="secondary" onClick={() => setParams({ lot: String(l.id) })}>
              {l.code}
            </button>{" "}
            {l.material_code} {l.dye_lot ? `· dye lot ${l.dye_lot}` : ""} <StatusBadge status={l.qc_status} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function InspectLotPage() {
  const [params] = useSearchParams();
  const lotId = params.get("lot") ?? undefined;
  const allowed = useCan("inspection.create");
  const mayDecide = useCan("lot.qc");
  const lot = useInspectableLot(lotId);
  const rolls = useLotRolls(lotId);
  const done = useRollInspections({ lot: lotId, page_size: 200 }, Boolean(lotId));
  const thresholds = usePointsThresholds();
  const [open, setOpen] = useState<number | null>(null);
  const inspectedRoll = new Map((done.data?.results ?? []).map((i) => [i.roll, i]));

  if (!lotId) {
    return (
      <>
        <PageHeader title="Inspect a lot" />
        <LotPicker />
      </>
    );
  }
  return (
    <>
      <PageHeader title={lot.data ? `Inspect lot ${lot.data.code}` : "Inspect lot"}>
        {lot.data ? (
          <p className="muted">
            {lot.data.material_code} · supplier lot {lot.data.supplier_lot || "—"} · dye lot {lot.data.dye_lot || "—"} · <StatusBadge status={lot.data.qc_status} />{" "}
            <Link to={`/inventory/lots/${lot.data.id}`}>lot details</Link>
          </p>
        ) : null}
      </PageHeader>
      {lot.error ? <ErrorBanner error={lot.error} /> : null}
      {rolls.isPending ? <Spinner /> : null}
      {rolls.data && rolls.data.results.length === 0 ? <p className="muted">This lot has no rolls (not a fabric lot): decide on it below.</p> : null}
      {(rolls.data?.results ?? []).map((roll) => {
        const inspection = inspectedRoll.get(roll.id);
        return (
          <section key={roll.id} className="panel" aria-label={`Roll ${roll.code}`}>
            <div className="page-header">
              <h2>
                Roll {roll.code} — {fmtNumber(roll.length_m)} m × {fmtNumber(roll.width_cm)} cm, {fmtNumber(roll.gsm)} GSM{" "}
                <Link className="muted" style={{ fontSize: "0.85rem", fontWeight: 400 }} to={`/quality/scans?scan_roll=${roll.id}`} aria-label={`Defect scans of ${roll.code}`}>
                  scans
                </Link>
              </h2>
              {inspection ? (
                <span>
                  {inspection.number}: {inspection.total_points} points · {fmtNumber(inspection.points_per_100yd2)} / 100 yd² · <StatusBadge status={inspection.grade} />
                </span>
              ) : allowed ? (
                <button type="button" className="secondary" onClick={() => setOpen(open === roll.id ? null : roll.id)} aria-expanded={open === roll.id}>
                  {open === roll.id ? "Close" : `Inspect ${roll.code}`}
                </button>
              ) : (
                <span className="muted">not inspected</span>
              )}
            </div>
            {!inspection && open === roll.id && (
              <FourPointForm
                roll={roll}
                thresholds={thresholds.data ?? []}
                onDone={(result) => {
                  notify.success(`Roll ${result.roll_code}: ${result.total_points} points, ${result.points_per_100yd2} per 100 yd², ${result.grade}.`);
                  setOpen(null);
                }}
              />
            )}
          </section>
        );
      })}
      {lot.data && mayDecide && <DispositionPanel lot={lot.data} />}
    </>
  );
}
