import type { PendingWsClient } from '../admission/pending-client.js';
import { getClientState } from '../context/client-state.js';
import { HANDSHAKE_NOT_VALIDATED, NOT_SERVED_BY_ADAPTER } from '../exceptions/messages.constant.js';
import type { HandshakeData, RawHandshakeData } from './handshake-data.interface.js';
import type { HandshakeOf, WsHandshakeSpec } from './handshake-definition.js';

/**
 * The handshake of a client served by `ValidatingWsAdapter`.
 *
 * - `getHandshake(client, definition)`: the validated DTO instances, typed from the
 *   definition given to `@WsHandshake` (see `defineHandshake`). Throws at the handshake,
 *   before validation, where the DTOs do not exist yet.
 * - `getHandshake(pending)`: in a handshake guard, the raw values (`validated: false`).
 * - `getHandshake(client)`: the same object in every phase; `validated` says which it is.
 *
 * @throws Error when the client was not served by `ValidatingWsAdapter`.
 * @publicApi
 */
export function getHandshake<S extends WsHandshakeSpec>(client: unknown, definition: S): HandshakeOf<S>;
export function getHandshake(client: PendingWsClient): RawHandshakeData;
/** Positional types: prefer `getHandshake(client, definition)`, which infers them. */
export function getHandshake<
  P extends object = Record<string, unknown>,
  Q extends object = Record<string, unknown>,
  H extends object = Record<string, unknown>,
  C extends object = Record<string, unknown>,
>(client: unknown): HandshakeData<P, Q, H, C>;
export function getHandshake(client: unknown, definition?: WsHandshakeSpec): HandshakeData<any, any, any, any> | RawHandshakeData {
  const state = getClientState(client);
  if (!state) throw new Error(NOT_SERVED_BY_ADAPTER('getHandshake'));
  if (definition && !state.handshake.validated) throw new Error(HANDSHAKE_NOT_VALIDATED);
  return state.handshake;
}
