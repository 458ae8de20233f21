import { parse as parseCookieHeader } from 'cookie';
import type { IncomingMessage } from 'node:http';
import type { RawHandshake } from './handshake-data.interface.js';

/**
 * Pure parsing of what a client sent, into objects with no `Object.prototype` in their
 * chain, so that `__proto__`, `constructor` or `prototype` are plain data keys. path-to-regexp,
 * Node (headers) and `cookie` build theirs that way already; the query is built here.
 */
export function parseHandshake(
  request: IncomingMessage,
  search: string,
  params: Record<string, string | string[]>,
): RawHandshake {
  return {
    params,
    query: parseQuery(search),
    // Node builds `headers` on a prototype-less object already: no copy needed.
    headers: request.headers,
    cookies: parseCookies(request.headers.cookie),
  };
}

/** Every value of every key, in order (`?a=1&a=2` → `{ a: ['1', '2'] }`). */
export function parseQuery(search: string): Record<string, string[]> {
  const query: Record<string, string[]> = Object.create(null);
  if (search.length <= 1) return query;
  // URLSearchParams decodes malformed percent-escapes to U+FFFD instead of throwing.
  for (const [key, value] of new URLSearchParams(search)) {
    const values = query[key];
    if (values) values.push(value);
    else query[key] = [value];
  }
  return query;
}

/** The `cookie` package keeps the first value of a repeated name and skips what it cannot read. */
export function parseCookies(header: string | undefined): Record<string, string> {
  if (!header) return Object.create(null);
  try {
    return parseCookieHeader(header) as Record<string, string>;
  } catch {
    return Object.create(null);
  }
}
