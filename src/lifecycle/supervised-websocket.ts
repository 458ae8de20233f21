import type { WebSocket } from 'ws';
import { WsStatus } from '../close-frame/ws-status.js';
import { ReadyState } from '../ws-errors.constants.js';
import { markServerClose } from './disconnect-info.js';

type WebSocketClass = typeof WebSocket;

/** ws' own state, read to tell the client's close (which ws answers through `close()`) from ours. */
type WsInternals = { _closeFrameReceived?: boolean };

export interface SendObserver {
  /** Bytes of unsent data past which `onOverflow` runs; `Infinity` for never. */
  readonly maxBufferedBytes: number;
  onOverflow(client: WebSocket): void;
}

/**
 * The `WebSocket` class the adapter's servers build clients from (ws' `WebSocket` server
 * option): ws' own, or the one a gateway gave, with three narrow hooks and no per-client
 * state. `send` checks the unsent data after each send, wherever it comes from (a reply, a
 * broadcast over `server.clients`); `close`/`terminate` record that the server started the
 * close, so `getDisconnectInfo` reports the app's own `client.close(code)` as the server's,
 * and ws' close after a protocol error (1009 for `maxPayload`) with its code.
 */
export function supervisedWebSocketClass(base: WebSocketClass, observer: SendObserver): WebSocketClass {
  class SupervisedWebSocket extends base {
    override send(data: unknown, options?: unknown, callback?: unknown): void {
      (super.send as (data: unknown, options?: unknown, callback?: unknown) => void)(data, options, callback);
      if (this.bufferedAmount > observer.maxBufferedBytes && this.readyState === ReadyState.OPEN) observer.onOverflow(this);
    }

    override close(code?: number, data?: string | Buffer): void {
      // ws answers the client's close frame through this method too: that close is the client's.
      if (this.readyState === ReadyState.OPEN && !(this as unknown as WsInternals)._closeFrameReceived) {
        markServerClose(this, code === WsStatus.WS_1009_MESSAGE_TOO_BIG ? 'limit' : 'error', code ?? WsStatus.WS_1005_NO_STATUS_RCVD, data);
      }
      super.close(code, data);
    }

    override terminate(): void {
      markServerClose(this, 'error', WsStatus.WS_1006_ABNORMAL_CLOSURE);
      super.terminate();
    }
  }
  return SupervisedWebSocket;
}
