import type { IncomingMessage } from 'node:http';
import { match } from 'path-to-regexp';
import { describe, expect, it } from 'vitest';
import { parseCookies, parseHandshake, parseQuery } from '../../../src/handshake/handshake.parser.js';

/** No object the parser hands on may reach Object.prototype: a `__proto__` key must stay data. */
function reachesObjectPrototype(value: object): boolean {
  for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto === Object.prototype) return true;
  }
  return false;
}

describe('parseHandshake', () => {
  it('keeps every value of a repeated query key, in order, and prototype keys as data', () => {
    const query = parseQuery('?a=1&a=2&__proto__=x&constructor=y');
    expect(Object.entries(query)).toEqual([
      ['a', ['1', '2']],
      ['__proto__', ['x']],
      ['constructor', ['y']],
    ]);
    expect(reachesObjectPrototype(query)).toBe(false);
  });

  it('decodes malformed escapes in a query without throwing', () => {
    expect(parseQuery('?q=%E0%A4%A&r=%')).toEqual(Object.assign(Object.create(null), { q: ['\uFFFD%A'], r: ['%'] }));
  });

  it('keeps the first of a repeated cookie, skips what it cannot read, keeps prototype names as data', () => {
    const cookies = parseCookies('session=a; session=b; __proto__=x; broken; constructor=%E0%A4%A');
    expect(Object.entries(cookies)).toEqual([
      ['session', 'a'],
      ['__proto__', 'x'],
      ['constructor', '%E0%A4%A'],
    ]);
    expect(reachesObjectPrototype(cookies)).toBe(false);
  });

  it('hands on path params, headers and cookies whose prototype chains skip Object.prototype', () => {
    const { params } = match<Record<string, string>>('/items/:itemId/ws')('/items/__proto__/ws') as { params: Record<string, string> };
    const headers = Object.create(Object.create(null)) as Record<string, string>;
    headers.cookie = '__proto__=1';
    const raw = parseHandshake({ headers } as unknown as IncomingMessage, '?x=1', params);
    for (const part of [raw.params, raw.query, raw.headers, raw.cookies]) expect(reachesObjectPrototype(part)).toBe(false);
    expect(raw.params.itemId).toBe('__proto__');
  });
});
