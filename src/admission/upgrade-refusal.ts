import type * as WsModule from 'ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { closeWebSocket } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import type { AdapterSettings } from '../adapter/adapter-settings.js';
import { httpStatusForCloseCode, refusalBody, refuseUpgrade } from '../adapter/http-rejection.js';
import { isInstance } from '../utils/error-detail.util.js';
import { CLOSE_EVENT, ERROR_EVENT } from '../ws-errors.constants.js';
import type { HandshakeAttempt } from './handshake-attempt.js';
import type { RejectionDecision } from './pending-client.js';

/** The largest message a refused client may send while its close handshake runs. */
const REFUSED_MAX_PAYLOAD = 1024;

/**
 * A refusal before accept, as the settings say: `'close'` completes the upgrade on a server
 * of its own, untracked (a refused client never appears in a gateway's `clients`), sends what
 * the refusing filter sent, then the close frame; `'http'` answers a status and a JSON body.
 */
export class UpgradeRefusal {
  readonly #refused = new Set<WebSocket>();
  #server?: WebSocketServer;

  constructor(
    private readonly settings: AdapterSettings,
    private readonly ws: typeof WsModule,
  ) {}

  refuse({ socket, request, head, pending }: HandshakeAttempt, decision: RejectionDecision, error: unknown): void {
    if (this.settings.handshakeRejection === 'http') {
      // `isInstance`: what user code threw may be a Proxy whose traps throw.
      const validationError = isInstance(error, WebSocketRequestValidationError) ? error : undefined;
      const validation = !!validationError && decision.code === WsStatus.WS_1008_POLICY_VIOLATION;
      refuseUpgrade(socket, httpStatusForCloseCode(decision.code, validation), refusalBody(decision, validationError?.errors(), this.settings.reason));
      return;
    }
    this.#server ??= new this.ws.WebSocketServer({
      noServer: true,
      clientTracking: false,
      closeTimeout: this.settings.closeTimeout,
      maxPayload: REFUSED_MAX_PAYLOAD,
    } as WsModule.ServerOptions);
    this.#server.handleUpgrade(request, socket, head, client => {
      this.#refused.add(client);
      client.once(CLOSE_EVENT, () => this.#refused.delete(client));
      client.on(ERROR_EVENT, () => client.terminate());
      for (const message of pending.sent) client.send(message as string);
      closeWebSocket(client, decision.code, decision.reason, this.settings.reason);
    });
  }

  /** Drops refused clients still in their close handshake. */
  dispose(): void {
    for (const client of this.#refused) client.terminate();
    this.#refused.clear();
    this.#server?.close();
    this.#server = undefined;
  }
}
