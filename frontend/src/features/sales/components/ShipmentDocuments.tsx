import { useState } from "react";
import { downloadFile } from "@/lib/api-client";
import { errorMessage } from "@/lib/api-error";
import { notify } from "@/lib/notifications";
import { SHIPMENTS } from "../api/shipments";
import type { Shipment } from "../types";

/**
 * Packing list / delivery note and roll labels as PDF. The API needs the bearer token, so a plain
 * link would be refused: the file is fetched through the API client as a blob and then saved.
 */
export function ShipmentDocuments({ shipment }: { shipment: Shipment }) {
  const [busy, setBusy] = useState<string | null>(null);
  const name = shipment.number ?? `shipment-${shipment.id}`;
  const get = async (what: "packing-list" | "labels") => {
    setBusy(what);
    try {
      const saved = await downloadFile(`${SHIPMENTS}${shipment.id}/${what}/`, `${name}-${what}.pdf`);
      notify.success(`Downloaded ${saved}.`);
    } catch (e) {
      notify.error(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <span className="actions">
      <button type="button" className="secondary" disabled={busy !== null} onClick={() => void get("packing-list")}>
        {busy === "packing-list" ? "Downloading…" : "Packing list (PDF)"}
      </button>
      <button type="button" className="secondary" disabled={busy !== null} onClick={() => void get("labels")}>
        {busy === "labels" ? "Downloading…" : "Roll labels (PDF)"}
      </button>
    </span>
  );
}
