import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { refuseUpgrade } from '../adapter/http-rejection.js';
import { closeWebSocketFor } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { GOING_AWAY_REASON, SERVICE_RESTART_REASON } from '../exceptions/messages.constant.js';
import { CLOSE_EVENT, ReadyState } from '../ws-errors.constants.js';
import type { ShutdownCloseCode } from './lifecycle-options.js';

/** How long past `closeTimeout` to wait for ws' own close timer before dropping a client ourselves. */
const CLOSE_TIMER_GRACE_MS = 100;

export function shutdownReason(code: ShutdownCloseCode): string {
  return code === WsStatus.WS_1012_SERVICE_RESTART ? SERVICE_RESTART_REASON : GOING_AWAY_REASON;
}

/**
 * An upgrade that arrives, or is still being checked, while the app shuts down: HTTP 503
 * with the close code and reason a client would have read, `{ code: 1001, reason: 'Going Away' }`.
 */
export function refuseUpgradeDuringShutdown(socket: Duplex, code: ShutdownCloseCode): void {
  refuseUpgrade(socket, 503, { code, reason: shutdownReason(code) });
}

/**
 * Closes every client with `code` (1001 `Going Away` or 1012 `Service Restart`) and waits for
 * their answers, at most `closeTimeout` (ws' own close timer drops a silent one then), and
 * drops whatever is left after that. Resolves when every client is closed.
 */
export async function closeClientsForShutdown(clients: Iterable<WebSocket>, code: ShutdownCloseCode, closeTimeout: number): Promise<void> {
  const reason = shutdownReason(code);
  const open = [...clients].filter(client => client.readyState !== ReadyState.CLOSED);
  if (open.length === 0) return;
  const closed = Promise.all(open.map(client => new Promise(resolve => client.once(CLOSE_EVENT, resolve))));
  for (const client of open) {
    closeWebSocketFor('shutdown', client, code, reason);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise(resolve => (timer = setTimeout(resolve, closeTimeout + CLOSE_TIMER_GRACE_MS)));
  await Promise.race([closed, late]);
  clearTimeout(timer);
  for (const client of open) if (client.readyState !== ReadyState.CLOSED) client.terminate();
}
