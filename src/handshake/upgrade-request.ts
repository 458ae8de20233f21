import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { getClientState } from '../context/client-state.js';
import { NOT_SERVED_BY_ADAPTER } from '../exceptions/messages.constant.js';

/**
 * What a client's upgrade request said, kept for the life of the connection instead of
 * the whole `IncomingMessage` (its socket, parser and buffers would outlive their use).
 * @publicApi
 */
export interface UpgradeRequestInfo {
  /** Lower-case header names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The path and query as received, e.g. `/items/7/ws?q=3`. */
  readonly url: string;
  /** The peer's address: the TCP peer, or the client a trusted proxy names (`trustProxy`). */
  readonly remoteAddress: string | undefined;
}

/** Takes the three fields and lets the request go. */
export function upgradeRequestInfo(request: IncomingMessage, remoteAddress = request.socket?.remoteAddress): UpgradeRequestInfo {
  return { headers: request.headers, url: request.url ?? '/', remoteAddress };
}

/**
 * The upgrade request of a client served by `ValidatingWsAdapter`, the same in every phase:
 * for the pending stand-in a handshake guard receives, in `handleConnection`, for every
 * message and in `handleDisconnect`.
 *
 * @throws Error when the client was not served by `ValidatingWsAdapter`.
 * @publicApi
 */
export function getUpgradeRequest(client: unknown): UpgradeRequestInfo {
  const state = getClientState(client);
  if (!state) throw new Error(NOT_SERVED_BY_ADAPTER('getUpgradeRequest'));
  return state.upgrade;
}
