import { useState } from "react";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { useCan } from "@/lib/auth/me";
import { fmtDate, fmtNumber } from "@/lib/format";
import { useListState } from "@/lib/use-list-state";
import { useDefectScans, useLabelScan, useUploadScan, type DefectScan } from "../api/defect-scans";

function UploadForm({ defaultRoll = "" }: { defaultRoll?: string }) {
  const upload = useUploadScan();
  const [file, setFile] = useState<File | null>(null);
  const [roll, setRoll] = useState(defaultRoll);
  const [fileError, setFileError] = useState("");
  const [rollError, setRollError] = useState("");
  return (
    <form
      className="panel"
      aria-label="Upload a scan"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setFileError(file ? "" : "Choose an image of the fabric.");
        setRollError(roll && !/^\d+$/.test(roll) ? "A roll id is a whole number." : "");
        if (!file || (roll && !/^\d+$/.test(roll))) return;
        upload.mutate({ file, roll: roll ? Number(roll) : undefined }, { onSuccess: () => setFile(null) });
      }}
    >
      <h2>Upload a scan</h2>
      <ErrorBanner error={upload.error} />
      <div className="form-row">
        <div className={`field ${fileError ? "field-invalid" : ""}`}>
          <label htmlFor="scan-file">Scan image</label>
          <input id="scan-file" type="file" accept="image/*" aria-invalid={fileError ? true : undefined} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          {fileError ? (
            <small className="field-error" role="alert">
              {fileError}
            </small>
          ) : null}
        </div>
        <div className={`field ${rollError ? "field-invalid" : ""}`}>
          <label htmlFor="scan-roll">Roll id (optional)</label>
          <input id="scan-roll" inputMode="numeric" aria-invalid={rollError ? true : undefined} value={roll} onChange={(e) => setRoll(e.target.value)} />
          {rollError ? (
            <small className="field-error" role="alert">
              {rollError}
            </small>
          ) : null}
        </div>
      </div>
      <button type="submit" disabled={upload.isPending}>
        Upload
      </button>
    </form>
  );
}

function Verdict({ scan }: { scan: DefectScan }) {
  const mayLabel = useCan("scan.label");
  const label = useLabelScan();
  if (!scan.verdict) return <span className="muted">waiting for the model…</span>;
  const other = scan.verdict === "defect" ? "ok" : "defect";
  return (
    <span className="actions">
      <StatusBadge status={scan.verdict === "defect" ? "rejected" : "passed"} />
      <span>
        model: <strong>{scan.verdict}</strong> (p={fmtNumber(scan.probability, 3)}, threshold {fmtNumber(scan.threshold, 3)})
      </span>
      {scan.inspector_label ? (
        <span>
          inspector: <strong>{scan.inspector_label}</strong> ({scan.inspector_label === scan.verdict ? "confirmed" : "overruled"} by {scan.labelled_by})
        </span>
      ) : mayLabel ? (
        <>
          <button type="button" className="secondary" disabled={label.isPending} onClick={() => label.mutate({ scan, label: scan.verdict as "defect" | "ok" })}>
            Confirm {scan.verdict}
          </button>
          <button type="button" className="secondary" disabled={label.isPending} onClick={() => label.mutate({ scan, label: other })}>
            Overrule: {other}
          </button>
        </>
      ) : null}
    </span>
  );
}

const columns: Column<DefectScan>[] = [
  { key: "id", header: "Scan", render: (s) => <a href={s.image} target="_blank" rel="noreferrer">#{s.id}</a> },
  { key: "roll", header: "Roll", render: (s) => (s.roll ? `#${s.roll}` : "—") },
  { key: "model_version", header: "Model" },
  { key: "verdict", header: "Verdict", render: (s) => <Verdict scan={s} /> },
  { key: "created_at", header: "Uploaded", render: (s) => fmtDate(s.created_at) },
];

export function DefectScansPage() {
  const list = useListState({ prefix: "scan" });
  const query = useDefectScans(list.params);
  const mayUpload = useCan("scan.upload");
  return (
    <>
      <PageHeader title="Defect scans">
        <p className="muted">The model's verdict on each scan; inspectors confirm or overrule it (their label trains the next model).</p>
      </PageHeader>
      {mayUpload && <UploadForm key={list.filters.roll ?? ""} defaultRoll={list.filters.roll ?? ""} />}
      <DataTable
        label="Defect scans"
        columns={columns}
        query={query}
        state={list}
        searchable={false}
        filters={
          <>
            <FilterSelect state={list} name="verdict" label="Verdict" options={[{ value: "defect", label: "defect" }, { value: "ok", label: "ok" }]} />
            <FilterSelect state={list} name="inspector_label" label="Inspector" options={[{ value: "defect", label: "defect" }, { value: "ok", label: "ok" }]} />
          </>
        }
      />
    </>
  );
}
