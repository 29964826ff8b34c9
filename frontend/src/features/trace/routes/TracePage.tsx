import { useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ErrorBanner } from "@/components/ErrorBanner";
import { PageHeader, StatusBadge } from "@/components/PageHeader";
import { Spinner } from "@/components/QueryState";
import { fmtNumber, humanize } from "@/lib/format";
import { useTrace, type Direction, type TraceNode, type TraceTarget } from "../api/trace";
import { useTraceSearch } from "../api/search";

function InfoList({ info }: { info: Record<string, unknown> }) {
  const entries = Object.entries(info).filter(([, v]) => v !== null && v !== undefined && v !== "");
  if (entries.length === 0) return null;
  const show = (v: unknown): string => {
    if (Array.isArray(v)) return v.map(show).join("; ");
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const head = [o.number ?? o.code, o.name].filter(Boolean).join(" · ");
      if (head) return head;
      return Object.entries(o)
        .filter(([k]) => k !== "id")
        .map(([k, x]) => `${humanize(k)} ${show(x)}`)
        .join(", ");
    }
    return String(v);
  };
  return (
    <span className="trace-info">
      {entries.map(([k, v]) => (
        <span key={k} className="badge" data-info={k}>
          {humanize(k)}: {show(v)}
        </span>
      ))}
    </span>
  );
}

function Node({ node }: { node: TraceNode }) {
  return (
    <li data-lot={node.lot.code}>
      <span className="node">
        <Link to={`/inventory/lots/${node.lot.id}`}>
          <strong>{node.roll ? `roll ${node.roll.code}` : `lot ${node.lot.code}`}</strong>
        </Link>
        {node.roll ? <span className="muted">lot {node.lot.code}</span> : null}
        <span>
          {node.lot.material.code} ({node.lot.material.kind})
        </span>
        {node.qty !== null ? (
          <span>
            {fmtNumber(node.qty, 3)} {node.unit}
          </span>
        ) : null}
        <StatusBadge status={node.lot.qc_status} />
        {node.lot.supplier_lot ? <span>supplier lot {node.lot.supplier_lot}</span> : null}
        {node.lot.dye_lot ? <span>dye lot {node.lot.dye_lot}</span> : null}
        {node.lot.source?.ref ? <span className="muted">{node.lot.source.ref}</span> : null}
        <InfoList info={node.info} />
        {node.repeated ? <em className="muted">(shown above)</em> : null}
      </span>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child, i) => (
            <Node key={`${child.lot.id}-${child.roll?.id ?? ""}-${i}`} node={child} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function TracePage() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState("");
  const [submitted, setSubmitted] = useState("");
  const direction = (params.get("direction") as Direction) || "upstream";
  const target: TraceTarget | null = params.get("roll") ? { kind: "roll", id: params.get("roll")! } : params.get("lot") ? { kind: "lot", id: params.get("lot")! } : null;
  const search = useTraceSearch(submitted);
  const trace = useTrace(target, direction);
  const choose = (kind: "lot" | "roll", id: number) => setParams({ [kind]: String(id), direction });

  return (
    <>
      <PageHeader title="Traceability" />
      <form
        className="panel actions"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(text.trim());
        }}
      >
        <label>
          Roll or lot code{" "}
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="scan or type a code" autoFocus />
        </label>
        <button type="submit">Find</button>
        <span role="radiogroup" aria-label="Direction" className="actions">
          {(["upstream", "downstream"] as Direction[]).map((d) => (
            <label key={d}>
              <input
                type="radio"
                name="direction"
                checked={direction === d}
                onChange={() => setParams((p) => {
                  const next = new URLSearchParams(p);
                  next.set("direction", d);
                  return next;
                })}
              />{" "}
              {d === "upstream" ? "Upstream (what is inside it, back to the supplier)" : "Downstream (where it went, to the customer)"}
            </label>
          ))}
        </span>
      </form>
      {search.error ? <ErrorBanner error={search.error} /> : null}
      {submitted && search.data && (
        <section className="panel" aria-label="Matches">
          {search.data.length === 0 ? (
            <p className="muted">Nothing matches “{submitted}”.</p>
          ) : (
            <ul>
              {search.data.map((c) => (
                <li key={`${c.kind}-${c.id}`}>
                  <button type="button" className="secondary" onClick={() => choose(c.kind, c.id)}>
                    {c.code}
                  </button>{" "}
                  <span className="muted">{c.detail}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {target && (
        <section className="panel" aria-label="Trace tree">
          {trace.error ? (
            <ErrorBanner error={trace.error} />
          ) : trace.isPending ? (
            <Spinner label="Tracing…" />
          ) : (
            <>
              <p className="muted">
                {trace.data.direction}: {trace.data.lot_count} lots, {trace.data.node_count} nodes
                {trace.data.truncated ? ` — cut at ${trace.data.max_depth} levels` : ""}
              </p>
              <ul className="tree">
                <Node node={trace.data.root} />
              </ul>
            </>
          )}
        </section>
      )}
    </>
  );
}
