import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorDetail, isInstance, safeString } from '../../../src/utils/error-detail.util.js';

/** Values whose string form or stack getter throws, as user code may throw them. */
const hostile = {
  'a throwing stack getter and toString': Object.defineProperties({}, {
    stack: { get: () => { throw new Error('stack getter'); } },
    toString: { value: () => { throw new Error('toString'); } },
  }),
  'a throwing Symbol.toPrimitive': { [Symbol.toPrimitive]: () => { throw new Error('toPrimitive'); } },
  'a null-prototype object': Object.create(null) as object,
  'a symbol': Symbol('thrown'),
  'a revoked proxy': (() => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  })(),
};

describe('errorDetail', () => {
  it('gives the stack of an Error', () => {
    const error = new Error('boom');
    expect(errorDetail(error)).toBe(error.stack);
  });

  it('gives the string form of a value without a stack', () => {
    expect(errorDetail('plain text')).toBe('plain text');
    expect(errorDetail(42)).toBe('42');
    expect(errorDetail({ toString: () => 'custom' })).toBe('custom');
  });

  it.each(Object.entries(hostile))('never throws for %s', (_name, value) => {
    expect(typeof errorDetail(value)).toBe('string');
  });

  it('never throws, whatever is thrown (property)', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }), value => {
        expect(typeof errorDetail(value)).toBe('string');
      }),
      { seed: 0xe220, numRuns: 300 },
    );
  });
});

describe('safeString', () => {
  it('is String(value) when that works', () => {
    expect(safeString(1011n)).toBe('1011');
    expect(safeString(null)).toBe('null');
  });

  it('falls back to Object.prototype.toString, then to a fixed text', () => {
    expect(safeString(hostile['a throwing Symbol.toPrimitive'])).toBe('[object Object]');
    expect(safeString(hostile['a revoked proxy'])).toBe('[unprintable value]');
  });
});

describe('isInstance', () => {
  it('is instanceof for ordinary values', () => {
    expect(isInstance(new RangeError('x'), Error)).toBe(true);
    expect(isInstance({}, Error)).toBe(false);
    expect(isInstance(null, Error)).toBe(false);
  });

  it('fails if the check itself throws (a proxy whose getPrototypeOf trap throws)', () => {
    const trap = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });
    expect(isInstance(trap, Error)).toBe(false);
  });
});
