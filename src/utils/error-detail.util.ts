/**
 * What a log line shows of a thrown value: its stack when it has one, else its string
 * form. Never throws, whatever was thrown: a hostile value's `stack` or `message` getter,
 * `toString` or `Symbol.toPrimitive` may throw, and a filter that logs must not fail for it.
 * @internal
 */
export function errorDetail(value: unknown): string {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    try {
      const stack = (value as { stack?: unknown }).stack;
      if (typeof stack === 'string') return stack;
    } catch {
      // fall through to the string form
    }
  }
  return safeString(value);
}

/** `String(x)`, which can itself throw (a throwing `toString`, a `Symbol.toPrimitive`). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '[unprintable value]';
    }
  }
}

/**
 * `value instanceof type`, false where the check itself throws (a Proxy whose
 * `getPrototypeOf` trap throws): such a value matches no `@Catch()` type.
 * @internal
 */
export function isInstance<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** Builds an error with no stack trace: for refusals, which are control flow, not bugs. */
export function withoutStackTrace<T>(build: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
