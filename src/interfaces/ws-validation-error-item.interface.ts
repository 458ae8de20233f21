/**
 * One validation failure, in FastAPI's shape.
 * @publicApi
 */
export interface WsValidationErrorItem {
  /** `'missing'` for an absent required value, else the failed constraint, e.g. `'isInt'`. */
  type: string;
  /** Where the value was: `['query', 'q']`, `['path', 'itemId']`, `['body', 'items', 0, 'name']`. */
  loc: (string | number)[];
  /** Human-readable, e.g. `'q must be an integer number'`. */
  msg: string;
  /** The offending value as received. */
  input?: unknown;
  /** Constraint arguments or validation context, where any. */
  ctx?: Record<string, unknown>;
}
