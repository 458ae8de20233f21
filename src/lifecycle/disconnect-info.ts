import { kCloseIntent, kDisconnectInfo } from '../ws-errors.constants.js';

/**
 * Why a client left:
 * - `'client'`: the client closed (its own close frame) or its connection dropped;
 * - `'error'`: the server closed it with a code: a filter after an error, `ws` after a
 *   protocol error, or the app's own `close()`/`terminate()`;
 * - `'heartbeat'`: it did not answer a ping within `heartbeat.timeout`;
 * - `'idle'`: it sent nothing for `idleTimeout`;
 * - `'backpressure'`: its unsent data grew past `maxBufferedBytes`;
 * - `'shutdown'`: the app closed (`app.close()`);
 * - `'limit'`: one of the library's limits (messages or bytes before admission, `maxPayload`).
 * @publicApi
 */
export type DisconnectCause = 'client' | 'error' | 'heartbeat' | 'idle' | 'backpressure' | 'shutdown' | 'limit';

/**
 * How a client's connection ended, FastAPI's `WebSocketDisconnect` in Nest form: the
 * client's own close frame, or the close the server started (with the code it sent).
 * @publicApi
 */
export interface DisconnectInfo {
  /** The code the closing side sent; 1005 when its frame had none, 1006 when no frame was exchanged. */
  readonly code: number;
  /** The reason the closing side sent; for a server-side drop without a frame, the library's description. */
  readonly reason: string;
  /** Whether the closing handshake completed (both close frames exchanged). */
  readonly wasClean: boolean;
  readonly initiator: 'client' | 'server';
  readonly cause: DisconnectCause;
}

/** What the server meant when it started to close a client, kept until the socket's `close` event. */
/** Why the server starts a close. */
export type ServerCloseCause = Exclude<DisconnectCause, 'client'>;

interface CloseIntent {
  readonly cause: ServerCloseCause;
  readonly code: number;
  readonly reason: string;
}

type Tracked = { [kCloseIntent]?: CloseIntent; [kDisconnectInfo]?: DisconnectInfo };

/** ws' `CONNECTING`, `OPEN`: a close can still be started. */
const CLOSABLE_STATE = 1;
/** The code a peer reports when the connection ended without a close frame. */
const ABNORMAL_CLOSURE = 1006;

/**
 * How `client` left, once its socket has emitted `close`: readable in `handleDisconnect`
 * and anywhere after. `undefined` while the client is connected, and for sockets
 * `ValidatingWsAdapter` does not serve.
 *
 * ```ts
 * handleDisconnect(client: WebSocket) {
 *   const { code, cause, initiator } = getDisconnectInfo(client)!;
 * }
 * ```
 * @publicApi
 */
export function getDisconnectInfo(client: unknown): DisconnectInfo | undefined {
  return client !== null && typeof client === 'object' ? (client as Tracked)[kDisconnectInfo] : undefined;
}

/**
 * Records that the server starts closing `client` and why. The first reason wins (a
 * heartbeat timeout that terminates the socket is not turned into an `'error'` by the
 * `terminate()` that carries it out), and nothing is recorded once the socket is closing.
 */
export function markServerClose(client: object, cause: CloseIntent['cause'], code: number, reason: unknown = ''): void {
  const tracked = client as Tracked & { readyState?: number };
  if (tracked[kCloseIntent] || tracked[kDisconnectInfo]) return;
  if (typeof tracked.readyState === 'number' && tracked.readyState > CLOSABLE_STATE) return;
  tracked[kCloseIntent] = { cause, code, reason: typeof reason === 'string' ? reason : reason instanceof Buffer ? reason.toString() : '' };
}

/**
 * Settles how `client` left, from ws' `close` event (`code`, `reason`) and what the server
 * meant, if it started the close. Runs before Nest's `handleDisconnect` (the session's
 * `close` listener is the socket's first).
 */
export function recordDisconnect(client: object, code: number, reason: Buffer | string | undefined): DisconnectInfo {
  const tracked = client as Tracked;
  const known = tracked[kDisconnectInfo];
  if (known) return known;
  const intent = tracked[kCloseIntent];
  tracked[kCloseIntent] = undefined;
  const wasClean = code !== ABNORMAL_CLOSURE;
  const info: DisconnectInfo = intent
    ? { code: intent.code, reason: intent.reason, wasClean, initiator: 'server', cause: intent.cause }
    : { code, reason: reason === undefined ? '' : String(reason), wasClean, initiator: 'client', cause: 'client' };
  tracked[kDisconnectInfo] = info;
  return info;
}
