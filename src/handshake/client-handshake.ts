import { getClientState } from '../context/client-state.js';
import type { HandshakeData } from './handshake-data.interface.js';

/**
 * The validated handshake of a client served by `ValidatingWsAdapter`:
 * `params`, `query`, `headers`, `cookies` as DTO instances, and `rawParams`.
 * In a handshake guard (before validation) the sources are still the raw values.
 *
 * @throws Error when the client was not accepted by `ValidatingWsAdapter`.
 * @publicApi
 */
export function getHandshake<
  P extends object = Record<string, unknown>,
  Q extends object = Record<string, unknown>,
  H extends object = Record<string, unknown>,
  C extends object = Record<string, unknown>,
>(client: unknown): HandshakeData<P, Q, H, C> {
  const state = getClientState(client);
  if (!state) {
    throw new Error('getHandshake(client): this client was not accepted by ValidatingWsAdapter');
  }
  return state.handshake as unknown as HandshakeData<P, Q, H, C>;
}
