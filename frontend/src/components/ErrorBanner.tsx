import { ApiError, errorMessage } from "@/lib/api-error";

/** A 412: the If-Match version sent is no longer the document's. */
export const isStale = (error: unknown) => error instanceof ApiError && error.status === 412;

/**
 * The envelope's message (and any field errors no form field shows) in a banner. A stale edit
 * (412) says plainly that someone else changed the document and offers a reload.
 */
export function ErrorBanner({ error, extra = [], onReload }: { error: unknown; extra?: string[]; onReload?: () => void }) {
  if (!error && extra.length === 0) return null;
  const code = error instanceof ApiError ? error.code : undefined;
  if (isStale(error)) {
    return (
      <div className="banner banner-error" role="alert" data-code={code}>
        <strong>Changed by someone else since you opened it — reload to see the current version, then make your change again.</strong>
        <div className="muted">{errorMessage(error)}</div>
        {onReload ? (
          <button type="button" className="secondary" onClick={onReload}>
            Reload
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert" data-code={code}>
      {error ? <strong>{errorMessage(error)}</strong> : null}
      {extra.length > 0 && (
        <ul>
          {extra.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
