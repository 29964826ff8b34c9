import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { Link, useNavigate, useParams } from "react-router-dom";
import { z } from "zod";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { ErrorBanner } from "@/components/ErrorBanner";
import { SelectField, TextField } from "@/components/Field";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { QueryState } from "@/components/QueryState";
import { api } from "@/lib/api-client";
import { Can } from "@/lib/auth/Can";
import { useMe } from "@/lib/auth/me";
import { applyServerErrors } from "@/lib/forms";
import { fmtDate, fmtNumber } from "@/lib/format";
import { newIdempotencyKey } from "@/lib/ids";
import { asOptions, lotOptions, useLocations, useLotsOf, useMaterials, useWarehouses } from "@/lib/lookups";
import { notify } from "@/lib/notifications";
import type { Paginated } from "@/lib/pagination";
import { refId, refLabel } from "@/lib/resource";
import { can } from "@/lib/roles";
import { useListState } from "@/lib/use-list-state";
import { BALANCES } from "../api/balances";
import { useCountTransition, useCreateStockCount, useSaveCountLines, useStockCountForEdit, useStockCounts, type StockCount } from "../api/counts";
import type { Balance } from "../types";

const qty = z.string().trim().refine((v) => v !== "" && Number(v) >= 0, "Enter what you counted (0 or more).");
const newSchema = z.object({
  warehouse: z.string().min(1, "Choose the warehouse counted."),
  material: z.string(),
  note: z.string(),
  lines: z
    .array(
      z.object({
        lot: z.string().min(1, "Choose a lot."),
        location: z.string().min(1, "Choose the location."),
        counted_qty: qty,
        // Lines loaded from the book carry their key and what the book says (shown, not sent).
        roll: z.string(),
        label: z.string(),
        book: z.string(),
      }),
    )
    .min(1, "Add at least one line."),
});
type NewValues = z.infer<typeof newSchema>;
const emptyLine = { lot: "", location: "", counted_qty: "", roll: "", label: "", book: "" };
/** Whether the form shows the field a server error names (a loaded line shows only its counted qty). */
function shownField(name: string, lines: NewValues["lines"]): boolean {
  if (name === "warehouse" || name === "note") return true;
  const line = /^lines\.(\d+)\.(\w+)$/.exec(name);
  if (!line || !lines[Number(line[1])]) return false;
  return lines[Number(line[1])].label ? line[2] === "counted_qty" : ["lot", "location", "counted_qty"].includes(line[2]);
}

/** The API takes at most this many lines in one count. */
const MAX_COUNT_LINES = 2000;

/** Every stock key in the warehouse (optionally of one material) as count lines, book quantity shown. */
async function bookLines(warehouse: string, material: string): Promise<{ lines: NewValues["lines"]; total: number }> {
  const lines: NewValues["lines"] = [];
  let total = 0;
  for (let page = 1; lines.length < MAX_COUNT_LINES; page += 1) {
    const params = { warehouse, page, page_size: 200, ordering: "location,lot", ...(material ? { material } : {}) };
    const batch = await api.get<Paginated<Balance>>(BALANCES, params);
    total = batch.count;
    for (const b of batch.results) {
      const roll = refId(b.roll);
      lines.push({
        lot: String(refId(b.lot)),
        location: String(refId(b.location)),
        roll: roll === undefined ? "" : String(roll),
        label: [refLabel(b.lot, b.lot_code), b.roll ? refLabel(b.roll, b.roll_code) : null, refLabel(b.location, b.location_code)].filter(Boolean).join(" · "),
        book: `${fmtNumber(b.on_hand, 3)} ${b.unit ?? ""}`.trim(),
        counted_qty: "",
      });
    }
    if (!batch.next) break;
  }
  return { lines: lines.slice(0, MAX_COUNT_LINES), total };
}

function NewCountForm({ onDone }: { onDone: (c: StockCount) => void }) {
  const key = useRef(newIdempotencyKey());
  const [extra, setExtra] = useState<string[]>([]);
  const warehouses = useWarehouses();
  const locations = useLocations();
  const lots = useLotsOf({});
  const materials = useMaterials();
  const create = useCreateStockCount();
  const form = useForm<NewValues>({ resolver: zodResolver(newSchema), defaultValues: { warehouse: "", material: "", note: "", lines: [emptyLine] } });
  const lines = useFieldArray({ control: form.control, name: "lines" });
  const { errors } = form.formState;
  const wh = form.watch("warehouse");
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState<string | null>(null);
  const loadBook = async () => {
    if (!wh) {
      form.setError("warehouse", { message: "Choose the warehouse counted." });
      return;
    }
    setLoading(true);
    try {
      const book = await bookLines(wh, form.getValues("material"));
      lines.replace(book.lines.length ? book.lines : [emptyLine]);
      setLoaded(
        book.total > book.lines.length
          ? `Loaded the first ${book.lines.length} of ${book.total} stock keys; narrow by material to count the rest.`
          : `Loaded ${book.lines.length} stock key${book.lines.length === 1 ? "" : "s"} from the book; enter what you count.`,
      );
    } catch (e) {
      notify.error(e instanceof Error ? e.message : "Could not read the book stock.");
    } finally {
      setLoading(false);
    }
  };
  const whLocations = (locations.data ?? []).filter((l) => !wh || String(typeof l.warehouse === "object" ? l.warehouse.id : l.warehouse) === wh);
  return (
    <form
      className="panel"
      aria-label="New stock count"
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setExtra([]);
        create.mutate(
          {
            key: key.current,
            body: {
              warehouse: Number(v.warehouse),
              note: v.note,
              lines: v.lines.map((l) => ({ lot: Number(l.lot), location: Number(l.location), counted_qty: l.counted_qty, ...(l.roll ? { roll: Number(l.roll) } : {}) })),
            },
          },
          { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, (n) => shownField(n, v.lines))) },
        );
      })}
    >
      <h2>New stock count</h2>
      <ErrorBanner error={create.error} extra={extra} />
      <div className="form-row">
        <SelectField label="Warehouse" placeholder="Choose…" options={asOptions(warehouses.data)} error={errors.warehouse?.message} {...form.register("warehouse")} />
        <TextField label="Note" {...form.register("note")} />
      </div>
      <div className="form-row">
        <SelectField label="Only material" placeholder="All materials" options={asOptions(materials.data)} {...form.register("material")} />
        <div className="actions">
          <button type="button" className="secondary" disabled={loading} onClick={() => void loadBook()}>
            Load book stock
          </button>
        </div>
      </div>
      {loaded ? (
        <p className="muted" role="status">
          {loaded}
        </p>
      ) : null}
      {errors.lines?.root?.message ? <p className="field-error">{errors.lines.root.message}</p> : null}
      {lines.fields.map((f, i) =>
        f.label ? (
          <div className="form-row" key={f.id}>
            <p className="count-key">
              {f.label} <span className="muted">(book {f.book})</span>
            </p>
            <TextField label={`Counted ${f.label}`} inputMode="decimal" error={errors.lines?.[i]?.counted_qty?.message} {...form.register(`lines.${i}.counted_qty`)} />
            <button type="button" className="secondary" aria-label={`Remove count line ${i + 1}`} disabled={lines.fields.length === 1} onClick={() => lines.remove(i)}>
              Remove
            </button>
          </div>
        ) : (
        <div className="form-row" key={f.id}>
          <SelectField label={`Count line ${i + 1} lot`} placeholder="Choose…" options={lotOptions(lots.data)} error={errors.lines?.[i]?.lot?.message} {...form.register(`lines.${i}.lot`)} />
          <SelectField label={`Count line ${i + 1} location`} placeholder="Choose…" options={asOptions(whLocations)} error={errors.lines?.[i]?.location?.message} {...form.register(`lines.${i}.location`)} />
          <TextField label={`Count line ${i + 1} counted`} inputMode="decimal" error={errors.lines?.[i]?.counted_qty?.message} {...form.register(`lines.${i}.counted_qty`)} />
          <button type="button" className="secondary" aria-label={`Remove count line ${i + 1}`} disabled={lines.fields.length === 1} onClick={() => lines.remove(i)}>
            Remove
          </button>
        </div>
        ),
      )}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => lines.append(emptyLine)}>
          Add line
        </button>
        <button type="submit" disabled={create.isPending}>
          Save draft count
        </button>
      </div>
    </form>
  );
}

const columns: Column<StockCount>[] = [
  { key: "code", header: "Count", render: (c) => <Link to={`/inventory/counts/${c.id}`}>{c.code || `#${c.id}`}</Link> },
  { key: "warehouse_code", header: "Warehouse" },
  { key: "status", header: "Status", render: (c) => <StatusBadge status={c.status} /> },
  { key: "lines", header: "Lines", align: "right", render: (c) => c.lines.length },
  { key: "posted_at", header: "Posted", sortKey: "posted_at", render: (c) => fmtDate(c.posted_at) },
  { key: "reason", header: "Reason" },
];

export function StockCountsPage() {
  const list = useListState({ ordering: "-id" });
  const query = useStockCounts(list.params);
  const [adding, setAdding] = useState(false);
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title="Stock counts"
        actions={
          <Can action="count.create">
            {!adding && (
              <button type="button" onClick={() => setAdding(true)}>
                New count
              </button>
            )}
          </Can>
        }
      >
        <p className="muted">Draft with counted quantities → post: every counted key is adjusted to the count, with the reason.</p>
      </PageHeader>
      {adding && <NewCountForm onDone={(c) => navigate(`/inventory/counts/${c.id}`)} />}
      <DataTable
        label="Stock counts"
        columns={columns}
        query={query}
        state={list}
        filters={<FilterSelect state={list} name="status" label="Status" options={["draft", "posted", "cancelled"].map((s) => ({ value: s, label: s }))} />}
      />
    </>
  );
}

export function StockCountDetailPage() {
  const { id } = useParams();
  const query = useStockCountForEdit(id);
  const { data: me } = useMe();
  const perms = me?.permissions;
  const save = useSaveCountLines();
  const transition = useCountTransition();
  const [counted, setCounted] = useState<Record<number, string>>({});
  const [lineErrors, setLineErrors] = useState<Record<number, string>>({});
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState("");
  return (
    <QueryState query={query}>
      {({ doc: count, etag }) => {
        const draft = count.status === "draft";
        const editable = draft && can(perms, "count.edit");
        const value = (lineId: number, fallback: string) => counted[lineId] ?? String(Number(fallback));
        const saveLines = () => {
          const errs: Record<number, string> = {};
          count.lines.forEach((l) => {
            const v = value(l.id, l.counted_qty).trim();
            if (v === "" || !(Number(v) >= 0)) errs[l.id] = "Enter what you counted (0 or more).";
          });
          setLineErrors(errs);
          if (Object.keys(errs).length) return;
          save.mutate(
            { id: count.id, etag, body: { lines: count.lines.map((l) => ({ lot: l.lot, roll: l.roll, location: l.location, counted_qty: value(l.id, l.counted_qty).trim() })) } },
            {
              onSuccess: () => setCounted({}),
              onError: (e) => {
                const fields = (e as { fields?: Record<string, string[]> }).fields ?? {};
                const next: Record<number, string> = {};
                Object.entries(fields).forEach(([k, msgs]) => {
                  const m = k.match(/^lines\.(\d+)\./);
                  if (m && count.lines[Number(m[1])]) next[count.lines[Number(m[1])].id] = msgs.join(" ");
                });
                setLineErrors(next);
              },
            },
          );
        };
        const post = () => {
          if (!reason.trim()) {
            setReasonError("Say why stock differs before posting.");
            return;
          }
          setReasonError("");
          transition.mutate(
            { count, action: "post", reason },
            {
              onSuccess: () => notify.success("Count posted; stock adjusted to it."),
              onError: (e) => setReasonError(((e as { fields?: Record<string, string[]> }).fields?.reason ?? []).join(" ")),
            },
          );
        };
        return (
          <>
            <PageHeader title={`Stock count ${count.code || `#${count.id}`}`}>
              <p className="muted">
                <StatusBadge status={count.status} /> {count.warehouse_code}
                {count.note ? ` · ${count.note}` : ""}
                {count.posted_at ? ` · posted ${fmtDate(count.posted_at)} by ${count.posted_by}` : ""}
              </p>
            </PageHeader>
            <ErrorBanner error={save.error ?? transition.error} onReload={() => void query.refetch().then(() => { save.reset(); transition.reset(); })} />
            <section className="data-table" aria-label="Counted lines">
              <table>
                <thead>
                  <tr>
                    <th>Lot</th>
                    <th>Roll</th>
                    <th>Location</th>
                    <th className="num">{draft ? "Book now" : "Book"}</th>
                    <th className="num">Counted</th>
                    <th className="num">Difference</th>
                  </tr>
                </thead>
                <tbody>
                  {count.lines.map((l) => (
                    <tr key={l.id}>
                      <td>{l.lot_code}</td>
                      <td>{l.roll_code ?? "—"}</td>
                      <td>{l.location_code}</td>
                      <td className="num">{fmtNumber(l.book_qty, 3)}</td>
                      <td className="num">
                        {editable ? (
                          <div className={`field ${lineErrors[l.id] ? "field-invalid" : ""}`} style={{ margin: 0 }}>
                            <input
                              aria-label={`Counted ${l.lot_code}${l.roll_code ? ` ${l.roll_code}` : ""} at ${l.location_code}`}
                              inputMode="decimal"
                              value={value(l.id, l.counted_qty)}
                              aria-invalid={lineErrors[l.id] ? true : undefined}
                              onChange={(e) => setCounted((c) => ({ ...c, [l.id]: e.target.value }))}
                            />
                            {lineErrors[l.id] ? (
                              <small className="field-error" role="alert">
                                {lineErrors[l.id]}
                              </small>
                            ) : null}
                          </div>
                        ) : (
                          `${fmtNumber(l.counted_qty, 3)} ${l.unit}`
                        )}
                      </td>
                      <td className="num">{fmtNumber(l.difference, 3)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            {editable && (
              <div className="panel">
                <div className="actions">
                  <button type="button" className="secondary" disabled={save.isPending} onClick={saveLines}>
                    Save counted quantities
                  </button>
                </div>
                {can(perms, "count.post") && (
                  <div className="form-row" style={{ marginTop: "0.75rem" }}>
                    <TextField label="Reason for the differences" value={reason} error={reasonError || undefined} onChange={(e) => setReason(e.target.value)} />
                    <div className="actions">
                      <button type="button" disabled={transition.isPending || Object.keys(counted).length > 0} onClick={post}>
                        Post count
                      </button>
                      <button type="button" className="danger" disabled={transition.isPending} onClick={() => transition.mutate({ count, action: "cancel" })}>
                        Cancel count
                      </button>
                    </div>
                  </div>
                )}
                {Object.keys(counted).length > 0 && <p className="muted">Save the counted quantities before posting.</p>}
              </div>
            )}
          </>
        );
      }}
    </QueryState>
  );
}
