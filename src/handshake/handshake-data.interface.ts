import type { IncomingHttpHeaders } from 'node:http';

/** Where a handshake value comes from, as named in an error's `loc`. */
export type HandshakeSource = 'path' | 'query' | 'header' | 'cookie';

/** Raw handshake values, as received; every object has a null prototype. */
export interface RawHandshake {
  /** Decoded path parameters. */
  params: Record<string, string | string[]>;
  /** Every value of every query key, in order. */
  query: Record<string, string[]>;
  /** Lower-case header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** The first value of each cookie name. */
  cookies: Record<string, string>;
}

/**
 * What `getHandshake(client)` returns: the validated, transformed DTO instances
 * (or the raw values of a source with no DTO) and the raw path parameters.
 * @publicApi
 */
export interface HandshakeData<
  P extends object = Record<string, unknown>,
  Q extends object = Record<string, unknown>,
  H extends object = Record<string, unknown>,
  C extends object = Record<string, unknown>,
> {
  params: P;
  query: Q;
  headers: H;
  cookies: C;
  /** The path parameters as matched, before conversion or validation. */
  rawParams: Record<string, string | string[]>;
  /** The concrete URL path the client asked for. */
  url: string;
}
