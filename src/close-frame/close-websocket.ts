import { markServerClose, type ServerCloseCause } from '../lifecycle/disconnect-info.js';
import { ReadyState } from '../ws-errors.constants.js';
import { assertSendableCloseCode } from './close-code.validation.js';
import { encodeCloseReason, type CloseReasonOptions } from './close-reason.encoder.js';

/**
 * What {@link closeWebSocket} needs of a socket. Structural, so neither users nor
 * this library need `ws` at runtime or for types; a ws `WebSocket` satisfies it.
 *
 * @publicApi
 */
export interface ClosableWebSocket {
  readonly readyState: number;
  close(code?: number, reason?: string | Buffer): void;
  terminate?(): void;
}


/**
 * Closes `client` with `code` and `reason` under the rules of RFC 6455: the code
 * must be sendable (else a `RangeError`, even on an already closed socket, since it
 * is a programming error) and the reason is encoded with {@link encodeCloseReason}
 * to at most 123 bytes of valid UTF-8.
 *
 * @returns `true` when a close was started; `false` when the socket was already
 *   closing or closed, or when `close` threw and the socket was terminated instead.
 * @throws RangeError when `code` may not be sent in a close frame.
 * @publicApi
 */
export function closeWebSocket(
  client: ClosableWebSocket,
  code: number,
  reason?: unknown,
  options?: CloseReasonOptions,
): boolean {
  return closeWebSocketFor('error', client, code, reason, options);
}

/**
 * {@link closeWebSocket}, recording for `getDisconnectInfo` why the server closes: the library's
 * own closes name their cause (a limit, the heartbeat, shutdown…); the public one says `'error'`.
 * The first cause recorded wins.
 * @internal
 */
export function closeWebSocketFor(
  cause: ServerCloseCause,
  client: ClosableWebSocket,
  code: number,
  reason?: unknown,
  options?: CloseReasonOptions,
): boolean {
  assertSendableCloseCode(code);
  const text = encodeCloseReason(reason, options);
  if (client.readyState !== ReadyState.CONNECTING && client.readyState !== ReadyState.OPEN) return false;
  markServerClose(client, cause, code, text);
  try {
    client.close(code, text);
    return true;
  } catch {
    // ws 8 throws synchronously only for a code or reason it rejects, which the
    // checks above rule out, but other sockets may throw for anything: a socket
    // left half-open is worse than one dropped, so drop it when we can.
    try {
      client.terminate?.();
    } catch {
      // Nothing more to do: the socket is already going away.
    }
    return false;
  }
}
