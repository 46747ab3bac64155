/** Outcome of parsing user input: callers must handle the error code instead of catching. */
export type ParseResult<T, E extends string = string> =
  { ok: true; value: T } | { ok: false; error: E };

/** Builds a successful result, so parsers read as a list of checks. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Builds a failed result carrying a stable error code that string tables translate. */
export function fail<E extends string>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
