import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { TRUST_PROXY_INVALID_HOPS } from '../exceptions/messages.constant.js';

/**
 * Which proxies' `X-Forwarded-For` to believe, as Express's `trust proxy` setting reads it:
 * - `false` (default): none; the client is the TCP peer.
 * - `true`: every hop; the client is the left-most address of the header. Only safe when
 *   nothing but the proxy can reach the server.
 * - a number `n`: the `n` hops nearest the server (the TCP peer is hop 0). A client that
 *   reaches the server directly counts as one of those hops, so prefer addresses.
 * - addresses and CIDR ranges, as an array or a comma-separated string (`'10.0.0.1, 10.1.0.0/16'`),
 *   with the presets `'loopback'`, `'linklocal'` and `'uniquelocal'`.
 * - `(address, hop) => boolean`: whether the address `hop` steps from the server is a trusted proxy.
 * @publicApi
 */
export type TrustProxy = boolean | number | string | readonly string[] | ((address: string, hop: number) => boolean);

/** A compiled `TrustProxy`: is the address `hop` steps from the server a proxy to believe? */
export type TrustProxyPredicate = (address: string, hop: number) => boolean;

/**
 * Compiles the option once, when the settings are resolved, so that a malformed address
 * fails at startup (proxy-addr throws a `TypeError` naming it) and not on a client's upgrade.
 * `undefined` when nothing is trusted: the hot path then reads the socket alone.
 */
export function compileTrustProxy(trust: TrustProxy | undefined): TrustProxyPredicate | undefined {
  if (trust === undefined || trust === false) return undefined;
  if (trust === true) return () => true;
  if (typeof trust === 'function') return trust;
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0) throw new TypeError(TRUST_PROXY_INVALID_HOPS(trust));
    const hops = trust;
    return hops === 0 ? undefined : (_address, hop) => hop < hops;
  }
  const list = typeof trust === 'string' ? trust.split(',').map(entry => entry.trim()) : [...trust];
  return proxyAddr.compile(list.filter(entry => entry !== ''));
}

/**
 * The client's address: the TCP peer, or, while each hop from the server inwards is trusted,
 * the next address of `X-Forwarded-For` (proxy-addr's algorithm, the one Express uses).
 * A header from a peer that is not trusted is never read, so a direct client cannot forge it.
 */
export function clientAddress(request: IncomingMessage, trust: TrustProxyPredicate | undefined): string | undefined {
  if (!trust) return request.socket?.remoteAddress;
  return proxyAddr(request, trust);
}
