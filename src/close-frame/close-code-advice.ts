import { IDLE_TIMEOUT_CODE } from '../lifecycle/lifecycle-options.js';
import { WsStatus } from './ws-status.js';

/**
 * What a client should do after a close code: reconnect (with backoff) or not.
 * @publicApi
 */
export interface CloseCodeAdvice {
  /** Whether reconnecting may succeed without the client changing anything. */
  readonly reconnect: boolean;
  /** Why, in a few words. */
  readonly meaning: string;
}

const RETRY = (meaning: string): CloseCodeAdvice => ({ reconnect: true, meaning });
const STOP = (meaning: string): CloseCodeAdvice => ({ reconnect: false, meaning });

/** Every code this library closes with (or a client observes), and the advice for it. */
const ADVICE: ReadonlyMap<number, CloseCodeAdvice> = new Map([
  [WsStatus.WS_1000_NORMAL_CLOSURE, STOP('closed normally')],
  [WsStatus.WS_1001_GOING_AWAY, RETRY('server going away (shutdown or deploy): reconnect with backoff')],
  [WsStatus.WS_1002_PROTOCOL_ERROR, STOP('protocol error: the client is broken')],
  [WsStatus.WS_1003_UNSUPPORTED_DATA, STOP('unsupported data or unknown event: the client sent what the server cannot take')],
  [WsStatus.WS_1005_NO_STATUS_RCVD, STOP('closed without a code')],
  [WsStatus.WS_1006_ABNORMAL_CLOSURE, RETRY('connection dropped (network, crash, heartbeat timeout): reconnect with backoff')],
  [WsStatus.WS_1007_INVALID_FRAME_PAYLOAD_DATA, STOP('unreadable message: the client must change what it sends')],
  [WsStatus.WS_1008_POLICY_VIOLATION, STOP('policy violation (validation, guard): the client must change its request')],
  [WsStatus.WS_1009_MESSAGE_TOO_BIG, STOP('message too big: the client must send less')],
  [WsStatus.WS_1011_INTERNAL_ERROR, RETRY('server error: may be transient, reconnect with backoff')],
  [WsStatus.WS_1012_SERVICE_RESTART, RETRY('server restarting: reconnect with backoff')],
  [WsStatus.WS_1013_TRY_AGAIN_LATER, RETRY('server overloaded, handshake timed out or client read too slowly: reconnect with backoff')],
  [WsStatus.WS_1014_BAD_GATEWAY, RETRY('bad gateway: reconnect with backoff')],
  [IDLE_TIMEOUT_CODE, STOP('idle timeout: reconnect when there is something to send')],
]);

/**
 * Whether a client should reconnect after `code`, and why: 1001, 1006, 1011, 1012, 1013, 1014
 * yes (with backoff, as after any failure); 1000, 1002, 1003, 1007, 1008, 1009 and 4400–4499
 * (4000 + an HTTP 4xx status: 4401, 4403, 4408 idle, 4429, …) no, since the same request
 * would fail again. Other codes are the application's: no.
 *
 * ```ts
 * socket.onclose = ({ code }) => { if (shouldReconnect(code)) scheduleReconnect(); };
 * ```
 * @publicApi
 */
export function closeCodeAdvice(code: number): CloseCodeAdvice {
  const known = ADVICE.get(code);
  if (known) return known;
  if (code >= 4400 && code <= 4499) return STOP(`HTTP ${code - 4000}: the client must change its request`);
  if (code >= 4500 && code <= 4599) return RETRY(`HTTP ${code - 4000}: server-side failure, reconnect with backoff`);
  return STOP('application-defined code');
}

/**
 * `closeCodeAdvice(code).reconnect`, as SignalR's `allowReconnect`.
 * @publicApi
 */
export function shouldReconnect(code: number): boolean {
  return closeCodeAdvice(code).reconnect;
}
