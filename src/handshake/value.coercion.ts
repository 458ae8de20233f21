import type { Type } from '@nestjs/common';
import type { SentValues } from '../validation/dto.validator.js';
import { PROTOTYPE_KEYS } from '../validation/prototype-keys.js';

const NUMBER = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i;
const TRUE = new Set(['true', '1', 'on', 'yes']);
const FALSE = new Set(['false', '0', 'off', 'no']);

type Coerce = (values: string | readonly string[]) => unknown;

const last = (values: string | readonly string[]) => (typeof values === 'string' ? values : values[values.length - 1]);

const coercers = new Map<unknown, Coerce>([
  [Array, values => (typeof values === 'string' ? [values] : [...values])],
  [Number, values => toNumber(last(values))],
  [Boolean, values => toBoolean(last(values))],
]);

/** A string that is not a number stays a string, so `isInt` fails on what was sent, not on `NaN`. */
function toNumber(value: string | undefined): unknown {
  return value !== undefined && NUMBER.test(value) ? Number(value) : value;
}

function toBoolean(value: string | undefined): unknown {
  if (value === undefined) return value;
  const lower = value.toLowerCase();
  return TRUE.has(lower) ? true : FALSE.has(lower) ? false : value;
}

const typeCache = new WeakMap<Type, Map<string, Coerce>>();

function coercerFor(dto: Type, key: string): Coerce {
  let byKey = typeCache.get(dto);
  if (!byKey) typeCache.set(dto, (byKey = new Map()));
  let coerce = byKey.get(key);
  if (!coerce) {
    // `design:type` is what `emitDecoratorMetadata` records for a decorated property.
    const declared = Reflect.getMetadata('design:type', dto.prototype, key);
    coerce = coercers.get(declared) ?? last;
    byKey.set(key, coerce);
  }
  return coerce;
}

type RawSource = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A handshake source (raw strings) made ready for the validation core against one DTO: each
 * value converted to the property type the DTO declares (a repeated query key gives an array
 * to an array property and its last value to a scalar one; numbers and booleans are parsed
 * strictly), prototype keys left out and listed for the core to report.
 */
export function handshakeSentValues(dto: Type, raw: RawSource): SentValues {
  const plain: Record<string, unknown> = {};
  const prototypeKeys: string[][] = [];
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (value === undefined) continue;
    if (PROTOTYPE_KEYS.has(key)) prototypeKeys.push([key]);
    else plain[key] = coercerFor(dto, key)(value);
  }
  return {
    plain,
    input: key => sentValue(dto, key, raw[key]),
    present: key => raw[key] !== undefined,
    prototypeKeys,
  };
}

/** The value as the client sent it, in the shape the property takes: the last of several for a scalar. */
function sentValue(dto: Type, key: string, value: string | readonly string[] | undefined): unknown {
  if (value === undefined || typeof value === 'string') return value;
  return Reflect.getMetadata('design:type', dto.prototype, key) === Array ? [...value] : value[value.length - 1];
}
