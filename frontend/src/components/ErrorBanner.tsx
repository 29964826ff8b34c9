import { ApiError, errorMessage } from "@/lib/api-error";

/** The envelope's message (and any field errors no form field shows) in a banner. */
export function ErrorBanner({ error, extra = [] }: { error: unknown; extra?: string[] }) {
  if (!error && extra.length === 0) return null;
  const code = error instanceof ApiError ? error.code : undefined;
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
