/**
 * The longest close reason RFC 6455 allows: a close frame payload is at most
 * 125 bytes, 2 of which carry the code (§5.5).
 *
 * @publicApi
 */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Fields of a validation error item (`{ type, loc, msg, input?, ctx? }`), in the
 * order FastAPI writes them, which is also the order a reason writes them.
 *
 * @publicApi
 */
export type CloseReasonField = 'type' | 'loc' | 'msg' | 'input' | 'ctx';

/** @publicApi */
export interface CloseReasonOptions {
  /** Byte budget of the reason; default and maximum 123, clamped to 0..123. */
  maxBytes?: number;
  /** Which fields of validation error items to keep; default all five. */
  fields?: ReadonlyArray<CloseReasonField>;
}

const ALL_FIELDS: readonly CloseReasonField[] = ['type', 'loc', 'msg', 'input', 'ctx'];

// `isWellFormed`/`toWellFormed` exist on Node 20 but are ES2024 typings; this
// library compiles against ES2022 and must not widen its users' `String` type.
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, cut on a
 * code-point boundary, so a surrogate pair is never split. Lone surrogates are
 * first replaced with U+FFFD, which is what a UTF-8 encoder puts on the wire
 * anyway: the result is always valid UTF-8 and its byte length is exact.
 *
 * @publicApi
 */
export function truncateUtf8(text: string, maxBytes: number = MAX_CLOSE_REASON_BYTES): string {
  const limit = Math.max(0, Math.floor(maxBytes) || 0);
  // Every UTF-16 unit costs at least one byte, so only a string no longer than
  // the limit can fit: the common case costs one length check and one count.
  if (text.length <= limit && (text as Es2024String).isWellFormed() && Buffer.byteLength(text, 'utf8') <= limit) {
    return text;
  }
  // The result has at most `limit` units; two more keep a pair that straddles
  // the slice end from turning into U+FFFD inside the part that can be kept.
  const head = (text.slice(0, limit + 2) as Es2024String).toWellFormed();
  let bytes = 0;
  let end = 0;
  for (const char of head) {
    const cp = char.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > limit) break;
    bytes += size;
    end += char.length;
  }
  return head.slice(0, end);
}

/**
 * Turns anything a filter wants to report into a close reason of at most
 * `maxBytes` (123) bytes of valid UTF-8. Never throws.
 *
 * - `undefined`/`null` → `''`; a string is cut with {@link truncateUtf8};
 *   a number, boolean or bigint → its `String()`.
 * - An array (typically `WebSocketRequestValidationError.errors()`) → JSON that
 *   always parses: the items restricted to `fields`; if too long, without `ctx`
 *   and `input`; if still too long, only `type` and `loc` of as many leading
 *   items as fit (`[]` at worst). Entries that are not error items (objects with
 *   neither `type` nor `loc`, primitives) are kept whole.
 * - Any other object → its JSON, dropping keys from the end until it fits (`{}` at worst).
 * - With a budget under 2 bytes, where not even `[]` or `{}` fits, → `''`.
 * - What JSON cannot express (cycles, a bigint inside, a throwing getter or
 *   `toJSON`, a function, a symbol) → `''`.
 *
 * @publicApi
 */
export function encodeCloseReason(value: unknown, options: CloseReasonOptions = {}): string {
  // NaN and negatives give 0, not an exception: a bad option must not keep a socket open.
  const requested = Math.floor(options.maxBytes ?? MAX_CLOSE_REASON_BYTES) || 0;
  const maxBytes = Math.min(MAX_CLOSE_REASON_BYTES, Math.max(0, requested));
  switch (typeof value) {
    case 'string':
      return truncateUtf8(value, maxBytes);
    case 'number':
    case 'boolean':
    case 'bigint':
      return truncateUtf8(String(value), maxBytes);
    case 'object':
      if (value === null) return '';
      try {
        return Array.isArray(value)
          ? encodeList(value, options.fields ?? ALL_FIELDS, maxBytes)
          : encodeObject(value, options.fields ?? ALL_FIELDS, maxBytes);
      } catch {
        // A reason is best effort: failing here would leave the socket open.
        return '';
      }
    default:
      return '';
  }
}

const byteLength = (json: string): number => Buffer.byteLength(json, 'utf8');

function encodeList(items: readonly unknown[], fields: readonly CloseReasonField[], maxBytes: number): string {
  const keep = ALL_FIELDS.filter((field) => fields.includes(field));
  const withoutExtras = keep.filter((field) => field !== 'ctx' && field !== 'input');
  const identity = keep.filter((field) => field === 'type' || field === 'loc');
  const last = identity.length > 0 ? identity : withoutExtras;

  // Whole lists first, every item a little less detailed at each stage. Each stage
  // is a subset of the one before, so an equal size means a stage already tried.
  const stages = [keep, withoutExtras].filter(
    (stage, i, all) => stage.length > last.length && stage.length !== all[i - 1]?.length,
  );
  for (const stage of stages) {
    const json = JSON.stringify(items.map((item) => project(item, stage)));
    if (byteLength(json) <= maxBytes) return json;
  }

  // Then the leading items that fit, since the first error is usually the cause.
  const pieces: string[] = [];
  let used = 2; // '[' and ']'
  for (const item of items) {
    // Array entries JSON cannot express are written as null, as JSON.stringify does.
    const piece = JSON.stringify(project(item, last)) ?? 'null';
    const cost = byteLength(piece) + (pieces.length > 0 ? 1 : 0);
    if (used + cost > maxBytes) break;
    pieces.push(piece);
    used += cost;
  }
  return used <= maxBytes ? `[${pieces.join(',')}]` : '';
}

/** An object with a `type` or a `loc` is a validation error item; anything else is kept as it is. */
function project(item: unknown, fields: readonly CloseReasonField[]): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const source = item as Record<string, unknown>;
  if (source['type'] === undefined && source['loc'] === undefined) return item;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (source[field] !== undefined) out[field] = source[field];
  }
  return out;
}

function encodeObject(value: object, fields: readonly CloseReasonField[], maxBytes: number): string {
  const json = JSON.stringify(value);
  if (json === undefined) return '';
  if (byteLength(json) <= maxBytes) return json;
  // Re-read the JSON so every value is plain data whose pieces stringify exactly as in `json`.
  const data: unknown = JSON.parse(json);
  if (Array.isArray(data)) return encodeList(data, fields, maxBytes);
  // A long string or number from `toJSON` cannot be cut and stay the same JSON value.
  if (typeof data !== 'object' || data === null) return '';
  let out = '';
  let used = 2; // '{' and '}'
  for (const [key, item] of Object.entries(data)) {
    const piece = `${JSON.stringify(key)}:${JSON.stringify(item)}`;
    const cost = byteLength(piece) + (out.length > 0 ? 1 : 0);
    if (used + cost > maxBytes) break;
    out += out.length > 0 ? `,${piece}` : piece;
    used += cost;
  }
  return used <= maxBytes ? `{${out}}` : '';
}
