/**
 * Textile arithmetic the screens show live (the backend stays the authority on stored values).
 * DESIGN §3.1 and §3.5: kg = m × width_m × GSM / 1000; ASTM D5430 four-point system.
 */

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Weight of a roll from its length, width (cm) and GSM. */
export function metresToKg(lengthM: number, widthCm: number, gsm: number): number | null {
  if (!(lengthM > 0 && widthCm > 0 && gsm > 0)) return null;
  return round((lengthM * (widthCm / 100) * gsm) / 1000, 3);
}

/** Length of a roll from its weight, width (cm) and GSM. */
export function kgToMetres(weightKg: number, widthCm: number, gsm: number): number | null {
  if (!(weightKg > 0 && widthCm > 0 && gsm > 0)) return null;
  return round((weightKg * 1000) / (gsm * (widthCm / 100)), 2);
}

export const METRES_PER_YARD = 0.9144;
export const CM_PER_INCH = 2.54;

export type DefectKind = "length" | "hole";

/** Points of one defect: length ≤3 in → 1, ≤6 → 2, ≤9 → 3, >9 → 4; holes ≤1 in → 2, >1 in → 4. */
export function defectPoints(kind: DefectKind, sizeInches: number): number {
  if (!(sizeInches > 0)) return 0;
  if (kind === "hole") return sizeInches <= 1 ? 2 : 4;
  if (sizeInches <= 3) return 1;
  if (sizeInches <= 6) return 2;
  if (sizeInches <= 9) return 3;
  return 4;
}

export interface Defect {
  kind: DefectKind;
  sizeInches: number;
  /** Position along the roll in yards; defects in the same linear yard (floor) share its 4-point cap. */
  positionYd: number;
}

/** Total points of a roll with the cap of 4 points per linear yard. */
export function totalPoints(defects: readonly Defect[]): number {
  const perYard = new Map<number, number>();
  for (const d of defects) {
    const yard = Math.floor(Number.isFinite(d.positionYd) ? d.positionYd : 0);
    perYard.set(yard, (perYard.get(yard) ?? 0) + defectPoints(d.kind, d.sizeInches));
  }
  let total = 0;
  for (const pts of perYard.values()) total += Math.min(4, pts);
  return total;
}

/** Points per 100 square yards = points × 3600 / (inspected yards × cuttable width in inches). */
export function pointsPer100Yd2(points: number, inspectedYards: number, cuttableWidthInches: number): number | null {
  if (!(inspectedYards > 0 && cuttableWidthInches > 0) || points < 0) return null;
  return round((points * 3600) / (inspectedYards * cuttableWidthInches), 2);
}

export const metresToYards = (m: number) => round(m / METRES_PER_YARD, 2);
export const cmToInches = (cm: number) => round(cm / CM_PER_INCH, 2);

/** "first" quality within the acceptance threshold (40 common; 28 or 20 for strict buyers), else "second". */
export function gradeFor(per100: number | null, threshold = 40): "first" | "second" | null {
  if (per100 === null) return null;
  return per100 <= threshold ? "first" : "second";
}
