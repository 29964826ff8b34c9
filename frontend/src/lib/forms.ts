import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError } from "./api-error";

/**
 * Put the envelope's field errors on the form fields they name ("lines.0.qty" included) and
 * return what is left (messages for fields the form does not show), for the form's banner.
 */
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  knownFields: readonly string[] | ((name: string) => boolean),
): string[] {
  if (!(error instanceof ApiError)) return [];
  const isKnown = typeof knownFields === "function" ? knownFields : (n: string) => knownFields.includes(n);
  const leftovers: string[] = [];
  let focused = false;
  for (const [field, messages] of Object.entries(error.fields)) {
    if (isKnown(field)) {
      setError(field as Path<T>, { type: "server", message: messages.join(" ") }, { shouldFocus: !focused });
      focused = true;
    } else if (field !== "non_field_errors") {
      leftovers.push(`${field}: ${messages.join(" ")}`);
    } else {
      leftovers.push(...messages);
    }
  }
  return leftovers;
}

/** The DRF Decimal fields come back as strings; forms work in numbers. */
export const num = (value: string | number | null | undefined): number =>
  value === null || value === undefined || value === "" ? NaN : Number(value);
