import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  MAX_CLOSE_REASON_BYTES,
  encodeCloseReason,
  truncateUtf8,
} from '../../../src/close-frame/close-reason.encoder.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
// What a UTF-8 encoder puts on the wire for `text`: lone surrogates become U+FFFD.
const wellFormed = (text: string) => (text as string & { toWellFormed(): string }).toWellFormed();
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();
const survivesUtf8 = (text: string) => isWellFormed(text) && Buffer.from(text, 'utf8').toString('utf8') === text;
// Time-bounded by test/fixtures/fast-check.setup.ts.
const RUNS = { seed: 42, numRuns: 500 };

describe('truncateUtf8', () => {
  it('returns ASCII under and at the limit unchanged', () => {
    expect(truncateUtf8('Session cookie missing')).toBe('Session cookie missing');
    const atLimit = 'x'.repeat(123);
    expect(truncateUtf8(atLimit)).toBe(atLimit);
    expect(truncateUtf8('')).toBe('');
  });

  it('cuts ASCII over the limit to 123 bytes', () => {
    expect(truncateUtf8('x'.repeat(124))).toBe('x'.repeat(123));
    expect(truncateUtf8('x'.repeat(100_000))).toBe('x'.repeat(123));
  });

  it('never splits a 2-byte character: 100 × é (200 bytes) gives 61 × é (122 bytes)', () => {
    const cut = truncateUtf8('é'.repeat(100));
    expect(cut).toBe('é'.repeat(61));
    expect(bytes(cut)).toBe(122);
  });

  it('never splits a 3-byte CJK character', () => {
    expect(truncateUtf8('中'.repeat(50))).toBe('中'.repeat(41)); // 123 bytes exactly
    expect(truncateUtf8('a' + '中'.repeat(50))).toBe('a' + '中'.repeat(40)); // 121 bytes: a 42nd would be 124
  });

  it('never splits a surrogate pair at the boundary', () => {
    expect(truncateUtf8('a'.repeat(119) + '😀')).toBe('a'.repeat(119) + '😀'); // 123 bytes: fits
    expect(truncateUtf8('a'.repeat(120) + '😀')).toBe('a'.repeat(120));
    expect(truncateUtf8('a'.repeat(122) + '😀')).toBe('a'.repeat(122));
    expect(truncateUtf8('a'.repeat(123) + '😀')).toBe('a'.repeat(123));
    expect(truncateUtf8('😀'.repeat(40))).toBe('😀'.repeat(30)); // 120 bytes
  });

  it('replaces a lone high surrogate with U+FFFD, at and before the boundary', () => {
    expect(truncateUtf8('a'.repeat(120) + '\uD83D')).toBe('a'.repeat(120) + '\uFFFD'); // 123 bytes
    expect(truncateUtf8('a'.repeat(121) + '\uD83D')).toBe('a'.repeat(121));
    expect(truncateUtf8('a'.repeat(121) + '\uD83D' + 'b')).toBe('a'.repeat(121));
    expect(truncateUtf8('\uD83D' + 'a'.repeat(200))).toBe('\uFFFD' + 'a'.repeat(120));
    expect(truncateUtf8('ok\uD83D')).toBe('ok\uFFFD');
  });

  it('replaces a lone low surrogate with U+FFFD, at and before the boundary', () => {
    expect(truncateUtf8('a'.repeat(120) + '\uDE00')).toBe('a'.repeat(120) + '\uFFFD');
    expect(truncateUtf8('a'.repeat(121) + '\uDE00')).toBe('a'.repeat(121));
    expect(truncateUtf8('\uDE00' + 'a'.repeat(200))).toBe('\uFFFD' + 'a'.repeat(120));
    expect(truncateUtf8('x\uDE00\uD83Dy')).toBe('x\uFFFD\uFFFDy');
  });

  it('honours maxBytes', () => {
    expect(truncateUtf8('héllo', 2)).toBe('h');
    expect(truncateUtf8('héllo', 3)).toBe('hé');
    expect(truncateUtf8('héllo', 0)).toBe('');
    expect(truncateUtf8('héllo', -4)).toBe('');
    expect(truncateUtf8('x'.repeat(300), 200)).toBe('x'.repeat(200));
  });

  it('keeps the longest well-formed prefix that fits (property, binary and grapheme strings)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.string({ unit: 'binary-ascii', maxLength: 200 }),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 130 }), (input, maxBytes) => {
        const result = truncateUtf8(input, maxBytes);
        const full = wellFormed(input);
        expect(bytes(result)).toBeLessThanOrEqual(maxBytes);
        expect(survivesUtf8(result)).toBe(true);
        expect(full.startsWith(result)).toBe(true);
        if (bytes(full) <= maxBytes) {
          expect(result).toBe(full);
          if (isWellFormed(input)) expect(result).toBe(input);
        } else {
          // Maximal: the next code point would not have fitted.
          const next = String.fromCodePoint(full.codePointAt(result.length)!);
          expect(bytes(result + next)).toBeGreaterThan(maxBytes);
        }
      }),
      RUNS,
    );
  });
});

describe('encodeCloseReason: scalars', () => {
  it('gives an empty reason for nothing', () => {
    expect(encodeCloseReason(undefined)).toBe('');
    expect(encodeCloseReason(null)).toBe('');
  });

  it('cuts strings like truncateUtf8', () => {
    expect(encodeCloseReason('Session cookie missing')).toBe('Session cookie missing');
    expect(encodeCloseReason('é'.repeat(100))).toBe('é'.repeat(61));
  });

  it('writes numbers, booleans and bigints as text', () => {
    expect(encodeCloseReason(42)).toBe('42');
    expect(encodeCloseReason(false)).toBe('false');
    expect(encodeCloseReason(10n ** 200n)).toBe('1' + '0'.repeat(122));
  });

  it('gives an empty reason for what has no text', () => {
    expect(encodeCloseReason(Symbol('x'))).toBe('');
    expect(encodeCloseReason(() => 1)).toBe('');
  });

  it('clamps maxBytes to 0..123', () => {
    expect(encodeCloseReason('x'.repeat(300), { maxBytes: 500 })).toBe('x'.repeat(123));
    expect(encodeCloseReason('x'.repeat(300), { maxBytes: 10 })).toBe('x'.repeat(10));
    expect(encodeCloseReason('xyz', { maxBytes: -1 })).toBe('');
    expect(encodeCloseReason('xyz', { maxBytes: NaN })).toBe('');
  });
});

describe('encodeCloseReason: validation error lists', () => {
  // FastAPI's seed case: `q: int` sent as `?q=abc`, as pydantic v2 reports it (136 bytes of JSON).
  const fastApiSeed = [
    {
      type: 'int_parsing',
      loc: ['query', 'q'],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: 'abc',
    },
  ];

  it('returns a list that fits unchanged', () => {
    const errors = [{ type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' }];
    expect(encodeCloseReason(errors)).toBe(JSON.stringify(errors));
  });

  it('drops input and ctx first (the FastAPI seed case)', () => {
    expect(encodeCloseReason(fastApiSeed)).toBe(
      '[{"type":"int_parsing","loc":["query","q"],"msg":"Input should be a valid integer, unable to parse string as an integer"}]',
    );
  });

  it('then keeps type and loc of as many leading items as fit', () => {
    const errors = Array.from({ length: 20 }, (_, i) => ({
      type: 'isInt',
      loc: ['body', 'items', i, 'qty'],
      msg: `items.${i}.qty must be an integer number`,
      input: 'many',
      ctx: { min: 0 },
    }));
    const reason = encodeCloseReason(errors);
    expect(bytes(reason)).toBeLessThanOrEqual(123);
    const parsed = JSON.parse(reason) as Array<{ type: string; loc: unknown[] }>;
    expect(parsed.length).toBe(2);
    expect(reason).toBe(JSON.stringify(errors.slice(0, 2).map(({ type, loc }) => ({ type, loc }))));
  });

  it('gives [] when not even one item fits', () => {
    expect(encodeCloseReason([{ type: 'x'.repeat(200), loc: ['query', 'q'], msg: 'm' }])).toBe('[]');
    expect(encodeCloseReason([{ type: 't', loc: [] }], { maxBytes: 5 })).toBe('[]');
    expect(encodeCloseReason([{ type: 't', loc: [] }], { maxBytes: 1 })).toBe('');
  });

  it('keeps only the chosen fields, always in FastAPI order', () => {
    const errors = [{ ctx: { min: 1 }, input: 0, msg: 'too small', loc: ['query', 'n'], type: 'min', url: 'x' }];
    expect(encodeCloseReason(errors)).toBe(
      '[{"type":"min","loc":["query","n"],"msg":"too small","input":0,"ctx":{"min":1}}]',
    );
    expect(encodeCloseReason(errors, { fields: ['loc', 'type'] })).toBe('[{"type":"min","loc":["query","n"]}]');
    expect(encodeCloseReason(errors, { fields: ['msg'] })).toBe('[{"msg":"too small"}]');
  });

  it('keeps entries that are not error items as they are, while they fit', () => {
    expect(encodeCloseReason(['a', 1, null, { other: true }])).toBe('["a",1,null,{"other":true}]');
    expect(encodeCloseReason(['x'.repeat(60), 'y'.repeat(60), 'z'])).toBe(`["${'x'.repeat(60)}"]`);
  });

  it('keeps lone surrogates escaped, so the reason stays valid UTF-8', () => {
    const reason = encodeCloseReason([{ type: 'isInt', loc: ['query', '\uD800'] }]);
    expect(reason).toBe('[{"type":"isInt","loc":["query","\\ud800"]}]');
    expect(JSON.parse(reason)[0].loc[1]).toBe('\uD800');
  });

  it('falls back to an empty reason for what JSON cannot express', () => {
    const cyclic: unknown[] = [];
    cyclic.push({ type: 't', loc: cyclic });
    expect(encodeCloseReason(cyclic)).toBe('');
    expect(encodeCloseReason([{ type: 't', loc: ['q'], input: 1n }])).toBe('');
    expect(encodeCloseReason([{ type: 't', loc: ['q'], input: { toJSON: () => { throw new Error('no'); } } }])).toBe('');
    const getter = { get type(): string { throw new Error('no'); }, loc: ['q'] };
    expect(encodeCloseReason([getter])).toBe('');
  });

  const item = fc.record(
    {
      type: fc.string({ unit: 'binary', maxLength: 30 }),
      loc: fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.nat({ max: 10_000 })), { maxLength: 5 }),
      msg: fc.string({ unit: 'grapheme', maxLength: 40 }),
      input: fc.jsonValue({ maxDepth: 2 }),
      ctx: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    },
    { requiredKeys: ['type', 'loc', 'msg'] },
  );
  const identity = (entry: { type: string; loc: (string | number)[] }) => ({ type: entry.type, loc: entry.loc });

  it('is valid JSON within the budget that keeps type and loc of a maximal run of leading items (property)', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), fc.integer({ min: 2, max: 123 }), (errors, maxBytes) => {
        const reason = encodeCloseReason(errors, { maxBytes });
        expect(bytes(reason)).toBeLessThanOrEqual(maxBytes);
        expect(survivesUtf8(reason)).toBe(true);
        const full = JSON.stringify(errors);
        if (bytes(full) <= maxBytes) expect(reason).toBe(full);

        const parsed = JSON.parse(reason) as Array<{ type: string; loc: unknown[] }>;
        expect(Array.isArray(parsed)).toBe(true);
        expect(parsed.length).toBeLessThanOrEqual(errors.length);
        parsed.forEach((entry, i) => {
          expect(entry.type).toBe(errors[i]!.type);
          expect(entry.loc).toEqual(errors[i]!.loc);
        });
        if (parsed.length < errors.length) {
          // Maximal: one more item, even as bare { type, loc }, would not have fitted.
          const oneMore = JSON.stringify(errors.slice(0, parsed.length + 1).map(identity));
          expect(bytes(oneMore)).toBeGreaterThan(maxBytes);
          expect(reason).toBe(JSON.stringify(errors.slice(0, parsed.length).map(identity)));
        }
      }),
      RUNS,
    );
  });
});

describe('encodeCloseReason: objects', () => {
  it('returns an object that fits as its JSON', () => {
    expect(encodeCloseReason({ code: 'E_AUTH', detail: 'expired' })).toBe('{"code":"E_AUTH","detail":"expired"}');
  });

  it('drops keys from the end until it fits', () => {
    const value = { a: 'x'.repeat(50), b: 'y'.repeat(50), c: 'z'.repeat(50) };
    expect(encodeCloseReason(value)).toBe(JSON.stringify({ a: value.a, b: value.b }));
    expect(encodeCloseReason({ a: 'x'.repeat(200) })).toBe('{}');
  });

  it('falls back to an empty reason for cycles and throwing getters', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(encodeCloseReason(cyclic)).toBe('');
    expect(encodeCloseReason({ n: 1n })).toBe('');
    expect(encodeCloseReason({ get bad(): string { throw new Error('no'); } })).toBe('');
  });

  it('keeps a leading run of entries within the budget (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })), (value) => {
        const reason = encodeCloseReason(value);
        expect(bytes(reason)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
        expect(survivesUtf8(reason)).toBe(true);
        const full = JSON.stringify(value);
        if (bytes(full) <= MAX_CLOSE_REASON_BYTES) expect(reason).toBe(full);
        const kept = Object.entries(JSON.parse(reason) as object);
        expect(kept).toEqual(Object.entries(JSON.parse(full) as object).slice(0, kept.length));
      }),
      RUNS,
    );
  });
});

describe('encodeCloseReason: anything', () => {
  it('never throws and always gives at most 123 bytes of valid UTF-8 (property)', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withSparseArray: true }), (value) => {
        const reason = encodeCloseReason(value);
        expect(bytes(reason)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
        expect(survivesUtf8(reason)).toBe(true);
      }),
      RUNS,
    );
  });
});
