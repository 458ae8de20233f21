import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REPORTED_PROTOTYPE_KEYS, stripPrototypeKeys } from '../../../src/validation/prototype-keys.js';

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Every own key of every plain object or array reachable from `value`. */
function ownKeysDeep(value: unknown, seen = new Set<unknown>()): string[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  return Object.keys(value).flatMap(key => [key, ...ownKeysDeep((value as Record<string, unknown>)[key], seen)]);
}

/** JSON text whose objects use prototype keys among others; `JSON.parse` makes them own keys, as a client can. */
const { json: hostileJson } = fc.letrec<{ json: string; leaf: string; object: string; array: string }>(tie => ({
  json: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('object'), tie('array')),
  leaf: fc.jsonValue({ maxDepth: 0 }).map(value => JSON.stringify(value)),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 6 })), tie('json')), { maxLength: 4 })
    .map(entries => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  array: fc.array(tie('json'), { maxLength: 4 }).map(items => `[${items.join(',')}]`),
}));

describe('stripPrototypeKeys', () => {
  it('removes __proto__, constructor and prototype own keys at every depth, in arrays too', () => {
    const body = JSON.parse('{"a":1,"__proto__":{"x":1},"nested":{"constructor":{"prototype":{}},"keep":[{"prototype":1,"b":2}]}}');
    stripPrototypeKeys(body);
    expect(body).toEqual({ a: 1, nested: { keep: [{ b: 2 }] } });
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it('says where each prototype key was, for the core to report under forbidNonWhitelisted', () => {
    const body = JSON.parse('{"__proto__":{},"nested":{"constructor":1,"list":[{"prototype":2}]}}');
    expect(stripPrototypeKeys(body).sort()).toEqual([['__proto__'], ['nested', 'constructor'], ['nested', 'list', 0, 'prototype']].sort());
  });

  it('reports at most MAX_REPORTED_PROTOTYPE_KEYS locations, whatever the body holds, and still strips them all', () => {
    const body = JSON.parse(`[${Array.from({ length: 200 }, () => '{"constructor":1,"prototype":2}').join(',')}]`);
    expect(stripPrototypeKeys(body)).toHaveLength(MAX_REPORTED_PROTOTYPE_KEYS);
    expect(ownKeysDeep(body).filter(key => PROTOTYPE_KEYS.includes(key))).toEqual([]);
  });

  it('leaves no prototype key anywhere and keeps every other key (property)', () => {
    fc.assert(
      fc.property(hostileJson, json => {
        const value: unknown = JSON.parse(json);
        const otherKeysBefore = ownKeysDeep(value).filter(key => !PROTOTYPE_KEYS.includes(key));
        stripPrototypeKeys(value);
        const after = ownKeysDeep(value);
        expect(after.filter(key => PROTOTYPE_KEYS.includes(key))).toEqual([]);
        // Stripping removes whole subtrees under a prototype key, so the rest is a sub-multiset.
        for (const key of after) expect(otherKeysBefore).toContain(key);
      }),
      { seed: 0x9207, numRuns: 300 },
    );
  });

  it('ends on a cyclic value and on one nested deeper than the call stack', () => {
    const cyclic: Record<string, unknown> = JSON.parse('{"__proto__":1,"a":{}}');
    (cyclic.a as Record<string, unknown>).self = cyclic;
    stripPrototypeKeys(cyclic);
    expect(Object.keys(cyclic)).toEqual(['a']);
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) deep = (deep.next = JSON.parse('{"constructor":1}')) as Record<string, unknown>;
    expect(() => stripPrototypeKeys(root)).not.toThrow();
    expect(Object.hasOwn(deep, 'constructor')).toBe(false);
  });

  it('leaves class instances, dates, maps and typed arrays alone', () => {
    class Dto {
      constructor(readonly prototype: string) {}
    }
    const dto = new Dto('kept');
    const bytes = new Uint8Array([1, 2]);
    const value = { dto, when: new Date(0), map: new Map([['constructor', 1]]), bytes };
    stripPrototypeKeys(value);
    expect(dto.prototype).toBe('kept');
    expect(value.map.get('constructor')).toBe(1);
    expect(value.bytes).toBe(bytes);
  });

  it('ignores primitives and null', () => {
    for (const value of [null, undefined, 1, 'x', true]) expect(() => stripPrototypeKeys(value)).not.toThrow();
  });
});
