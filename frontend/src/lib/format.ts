export function fmtNumber(value: string | number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function fmtQty(value: string | number | null | undefined, unit?: string): string {
  const text = fmtNumber(value, 3);
  return unit && text !== "—" ? `${text} ${unit}` : text;
}

export function fmtDate(value: string | null | undefined): string {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return value.length <= 10 ? d.toLocaleDateString("en-GB") : d.toLocaleString("en-GB");
}

export const humanize = (value: string | null | undefined) => (value ? value.replace(/_/g, " ") : "—");

export const today = () => new Date().toISOString().slice(0, 10);
