import { useState } from "react";

export interface TransitionSpec {
  action: string;
  label: string;
  /** Shown only when the document's status allows it and the user's roles do. */
  visible: boolean;
  variant?: "primary" | "secondary" | "danger";
  /** Ask for a note (a reason) before posting, e.g. for cancel. */
  needsNote?: boolean;
}

/** The workflow buttons of a document; a refusal (422 wrong status…) shows as a toast. */
export function TransitionBar({
  transitions,
  onRun,
  pending,
}: {
  transitions: TransitionSpec[];
  onRun: (action: string, note: string) => void;
  pending: boolean;
}) {
  const [asking, setAsking] = useState<TransitionSpec | null>(null);
  const [note, setNote] = useState("");
  const visible = transitions.filter((t) => t.visible);
  if (visible.length === 0) return null;
  if (asking) {
    return (
      <form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          onRun(asking.action, note);
          setAsking(null);
          setNote("");
        }}
      >
        <label>
          Reason{" "}
          <input autoFocus value={note} onChange={(e) => setNote(e.target.value)} maxLength={255} aria-label={`${asking.label} reason`} />
        </label>
        <button type="submit" className={asking.variant === "danger" ? "danger" : undefined} disabled={pending}>
          Confirm {asking.label.toLowerCase()}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(null)}>
          Back
        </button>
      </form>
    );
  }
  return (
    <div className="actions">
      {visible.map((t) => (
        <button
          key={t.action}
          type="button"
          className={t.variant === "secondary" ? "secondary" : t.variant === "danger" ? "danger" : undefined}
          disabled={pending}
          onClick={() => (t.needsNote ? setAsking(t) : onRun(t.action, ""))}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
