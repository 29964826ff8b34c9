import { useQuery } from "@tanstack/react-query";
import { api, apiRequest } from "@/lib/api-client";
import type { ListParams } from "@/lib/pagination";
import { listQueryOptions, useInvalidatingMutation } from "@/lib/resource";

export interface DefectScan {
  id: number;
  image: string;
  roll: number | null;
  job: number | null;
  model_version: string | null;
  probability: number | string | null;
  threshold: number | string | null;
  verdict: "" | "defect" | "ok";
  defect_map: unknown;
  inspector_label: "" | "defect" | "ok" | null;
  inspector_note: string;
  labelled_by: string | null;
  labelled_at: string | null;
  created_at: string;
}

export const SCANS = "/ml/defect-scans/";

/** Scans still waiting for the model's verdict are polled until it arrives. */
export const useDefectScans = (params?: ListParams) =>
  useQuery({
    ...listQueryOptions<DefectScan>(SCANS, params),
    refetchInterval: (q) => (q.state.data?.results.some((s) => !s.verdict) ? 2000 : false),
  });

export const useUploadScan = () =>
  useInvalidatingMutation(
    ({ file, roll }: { file: File; roll?: number }) => {
      const body = new FormData();
      body.append("image", file);
      if (roll) body.append("roll", String(roll));
      return apiRequest<DefectScan>(SCANS, { method: "POST", formData: body, idempotencyKey: true }).then((r) => r.data);
    },
    [SCANS],
    { silent: true, success: "Scan uploaded; the model's verdict follows." },
  );

/** The inspector's word: agreeing with the model confirms it, disagreeing overrules it. */
export const useLabelScan = () =>
  useInvalidatingMutation(
    ({ scan, label, note }: { scan: DefectScan; label: "defect" | "ok"; note?: string }) => api.post<DefectScan>(`${SCANS}${scan.id}/label/`, { label, note: note ?? "" }, { idempotencyKey: true }),
    [SCANS],
    { success: "Label saved." },
  );
