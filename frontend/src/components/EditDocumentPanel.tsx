import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { applyServerErrors } from "@/lib/forms";
import { editableQueryOptions, useEtagSave, type Versioned } from "@/lib/resource";
import { ErrorBanner } from "./ErrorBanner";
import { TextAreaField, TextField } from "./Field";
import { QueryState } from "./QueryState";

export interface EditField {
  name: string;
  label: string;
  kind?: "text" | "decimal" | "date" | "checkbox" | "textarea";
  /** A message when the value is wrong, undefined when it is fine (checked before sending). */
  validate?: (value: string) => string | undefined;
  hint?: string;
}

type Values = Record<string, string | boolean>;

const toForm = (doc: Record<string, unknown>, fields: EditField[]): Values =>
  Object.fromEntries(
    fields.map((f) => {
      const v = doc[f.name];
      if (f.kind === "checkbox") return [f.name, Boolean(v)];
      if (f.kind === "decimal" && v !== null && v !== undefined && v !== "") return [f.name, String(Number(v))];
      return [f.name, v === null || v === undefined ? "" : String(v)];
    }),
  );

/**
 * Edit a versioned document: it is read with its ETag, and the PATCH carries that ETag as
 * If-Match, so if someone else saved in between the API answers 412 and the form says so and
 * offers a reload instead of overwriting their change. Only changed fields are sent.
 */
export function EditDocumentPanel<T extends Versioned>({
  path,
  id,
  title,
  fields,
  onDone,
}: {
  path: string;
  id: number;
  title: string;
  fields: EditField[];
  onDone: () => void;
}) {
  const query = useQuery(editableQueryOptions<T>(path, id));
  return (
    <QueryState query={query}>
      {({ doc, etag }) => (
        <EditForm path={path} doc={doc as unknown as Record<string, unknown> & Versioned} etag={etag} title={title} fields={fields} onDone={onDone} reload={() => void query.refetch()} />
      )}
    </QueryState>
  );
}

function EditForm({
  path,
  doc,
  etag,
  title,
  fields,
  onDone,
  reload,
}: {
  path: string;
  doc: Record<string, unknown> & Versioned;
  etag: string | null;
  title: string;
  fields: EditField[];
  onDone: () => void;
  reload: () => void;
}) {
  const initial = toForm(doc, fields);
  const form = useForm<Values>({ defaultValues: initial });
  // A reload (after a 412) brings a newer version: show its values. (Not a remount, so a save
  // that refreshes the document still reaches its onSuccess.)
  useEffect(() => {
    form.reset(toForm(doc, fields));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [etag]);
  const save = useEtagSave<unknown, Record<string, unknown>>(path);
  const [extra, setExtra] = useState<string[]>([]);
  const { errors } = form.formState;
  const submit = form.handleSubmit((values) => {
    setExtra([]);
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const v = values[f.name];
      if (v === initial[f.name]) continue;
      body[f.name] = f.kind === "checkbox" ? Boolean(v) : (f.kind === "date" || f.kind === "decimal") && v === "" ? null : typeof v === "string" ? v.trim() : v;
    }
    if (Object.keys(body).length === 0) {
      onDone();
      return;
    }
    save.mutate({ id: doc.id, etag, body }, { onSuccess: onDone, onError: (e) => setExtra(applyServerErrors(e, form.setError, fields.map((f) => f.name))) });
  });
  return (
    <form className="panel" aria-label={title} noValidate onSubmit={submit}>
      <h2>{title}</h2>
      <p className="muted">Editing version {doc.version ?? "—"}.</p>
      <ErrorBanner
        error={save.error}
        extra={extra}
        onReload={() => {
          save.reset();
          reload();
        }}
      />
      <div className="form-row">
        {fields
          .filter((f) => f.kind !== "textarea")
          .map((f) =>
            f.kind === "checkbox" ? (
              <label key={f.name}>
                <input type="checkbox" {...form.register(f.name)} /> {f.label}
              </label>
            ) : (
              <TextField
                key={f.name}
                label={f.label}
                hint={f.hint}
                type={f.kind === "date" ? "date" : "text"}
                inputMode={f.kind === "decimal" ? "decimal" : undefined}
                error={errors[f.name]?.message as string | undefined}
                {...form.register(f.name, { validate: (v) => (f.validate ? f.validate(String(v ?? "")) ?? true : true) })}
              />
            ),
          )}
      </div>
      {fields
        .filter((f) => f.kind === "textarea")
        .map((f) => (
          <TextAreaField key={f.name} label={f.label} error={errors[f.name]?.message as string | undefined} {...form.register(f.name, { validate: (v) => (f.validate ? f.validate(String(v ?? "")) ?? true : true) })} />
        ))}
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save changes
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}

/** Shared rules for edit fields. */
export const rules = {
  required: (v: string) => (v.trim() === "" ? "Required." : undefined),
  positive: (v: string) => (v.trim() !== "" && !(Number(v) > 0) ? "Above zero." : undefined),
  nonNegative: (v: string) => (v.trim() !== "" && !(Number(v) >= 0) ? "0 or more." : undefined),
  currency: (v: string) => (/^[A-Z]{3}$/.test(v.trim()) ? undefined : "Three capital letters, e.g. EUR."),
};
