/** The one error shape of the Weft API: {"error": {"code", "message", "fields"}}. */
export type FieldErrors = Record<string, string[]>;

export interface ErrorEnvelope {
  error: { code: string; message: string; fields?: FieldErrors };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors;

  constructor(status: number, code: string, message: string, fields: FieldErrors = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** Build from a response body that may or may not be the envelope (a proxy's HTML 502, say). */
  static fromBody(status: number, body: unknown): ApiError {
    if (isEnvelope(body)) {
      const { code, message, fields } = body.error;
      return new ApiError(status, code, message, normaliseFields(fields));
    }
    return new ApiError(status, `http_${status}`, defaultMessage(status));
  }

  static network(cause: unknown): ApiError {
    const err = new ApiError(0, "network_error", "The server could not be reached. Check your connection and try again.");
    (err as { cause?: unknown }).cause = cause;
    return err;
  }
}

export function isEnvelope(body: unknown): body is ErrorEnvelope {
  if (!body || typeof body !== "object" || !("error" in body)) return false;
  const inner = (body as { error: unknown }).error;
  return !!inner && typeof inner === "object" && typeof (inner as { message?: unknown }).message === "string";
}

function normaliseFields(fields: unknown): FieldErrors {
  if (!fields || typeof fields !== "object") return {};
  const out: FieldErrors = {};
  for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
    out[key] = Array.isArray(value) ? value.map(String) : [String(value)];
  }
  return out;
}

function defaultMessage(status: number): string {
  if (status === 401) return "Your session has ended. Sign in again.";
  if (status === 403) return "Your role does not allow this.";
  if (status === 404) return "Not found.";
  if (status >= 500) return "The server failed to answer. Try again in a moment.";
  return `The request failed (HTTP ${status}).`;
}

/** A readable message for anything thrown, for banners and toasts. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
