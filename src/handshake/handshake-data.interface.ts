import type { IncomingHttpHeaders } from 'node:http';

/** Where a handshake value comes from, as named in an error's `loc`. */
export type HandshakeSource = 'path' | 'query' | 'header' | 'cookie';

/** Raw handshake values, as received; every object has a null prototype. */
export interface RawHandshake {
  /** Decoded path parameters (a `*wildcard` gives an array). */
  params: Record<string, string | string[]>;
  /** Every value of every query key, in order. */
  query: Record<string, string[]>;
  /** Lower-case header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** The first value of each cookie name. */
  cookies: Record<string, string>;
}

/**
 * The handshake before its DTOs ran (what a handshake guard sees), or of a source with no
 * DTO: strings as sent; a query key sent once is a string, a repeated one an array.
 * @publicApi
 */
export interface RawHandshakeValues {
  params: Record<string, string | string[]>;
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  cookies: Record<string, string>;
}

interface HandshakeCommon {
  /** The path parameters as matched, before conversion or validation. */
  rawParams: Record<string, string | string[]>;
  /** The concrete URL path and query the client asked for. */
  url: string;
}

/**
 * What `getHandshake(pending)` returns at the handshake, before validation: raw values.
 * @publicApi
 */
export interface RawHandshakeData extends RawHandshakeValues, HandshakeCommon {
  readonly validated: false;
}

/**
 * What `getHandshake(client)` returns once the handshake is checked: the validated,
 * transformed DTO instances (or the raw values of a source with no DTO) and the raw path
 * parameters. Prefer `getHandshake(client, definition)`, which infers the four types.
 * @publicApi
 */
export interface HandshakeData<
  P extends object = Record<string, unknown>,
  Q extends object = Record<string, unknown>,
  H extends object = Record<string, unknown>,
  C extends object = Record<string, unknown>,
> extends HandshakeCommon {
  readonly validated: true;
  params: P;
  query: Q;
  headers: H;
  cookies: C;
}
