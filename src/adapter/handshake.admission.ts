import type { Logger } from '@nestjs/common';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type * as WsModule from 'ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { closeWebSocket } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { setClientState, type ClientState } from '../context/client-state.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { INTERNAL_ERROR_REASON, TRY_AGAIN_LATER_REASON } from '../exceptions/messages.constant.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import type { HandshakeData, RawHandshake } from '../handshake/handshake-data.interface.js';
import { parseHandshake } from '../handshake/handshake.parser.js';
import { upgradeRequestInfo } from '../handshake/upgrade-request.js';
import { errorDetail, isInstance } from '../utils/error-detail.util.js';
import { isThenable } from '../utils/is-thenable.util.js';
import { CLOSE_EVENT, CONNECTION_EVENT, ERROR_EVENT, ReadyState } from '../ws-errors.constants.js';
import type { AdapterSettings } from './adapter-settings.js';
import { attachClientSession, ClientSession } from './client-session.js';
import { DEFAULT_FILTER, type GatewayRuntimes } from './gateway-runtimes.js';
import { rawView, runGuards, validateHandshake } from './handshake.checks.js';
import { httpStatusForCloseCode, refusalBody, refuseUpgrade } from './http-rejection.js';
import { PendingWsClient, type RejectionDecision } from './pending-client.js';
import { GONE, settleWithin, TIMED_OUT } from './settle-within.js';
import type { ServerRoute } from './upgrade.router.js';
import { refuseUpgradeDuringShutdown } from '../lifecycle/graceful-shutdown.js';

type Route = ServerRoute<WebSocketServer>;

const ADMITTED = Symbol('admitted');
type CheckOutcome = typeof ADMITTED | { error: unknown };

/** What one upgrade carries from its checks to their conclusion. */
interface Upgrade {
  route: Route;
  request: http.IncomingMessage;
  socket: Duplex;
  head: Buffer;
  pending: PendingWsClient;
  state: ClientState;
}

/**
 * Everything between a routed upgrade and an admitted client, in order: class guards, then
 * handshake DTOs, against a `PendingWsClient`; a refusal as the filters decide it (a close
 * frame after a completed upgrade, or an HTTP status); else the upgrade, Nest's connection
 * handler, and admission once `handleConnection` settles. Without guards or async
 * constraints the checks take no promise and no timer; otherwise `handshakeTimeout` bounds
 * them, and a client that leaves meanwhile is let go at once.
 */
export class HandshakeAdmission {
  /** Sockets whose checks are under way, and refused clients awaiting the close handshake. */
  readonly #checking = new Set<Duplex>();
  readonly #refused = new Set<WebSocket>();
  #refusalServer?: WebSocketServer;

  constructor(
    private readonly runtimes: GatewayRuntimes,
    private readonly settings: AdapterSettings,
    private readonly ws: typeof WsModule,
    private readonly logger: Logger,
  ) {}

  admit(route: Route, params: Record<string, string | string[]>, request: http.IncomingMessage, socket: Duplex, head: Buffer, search: string): void {
    const raw = parseHandshake(request, search, params);
    const handshake: HandshakeData = { ...rawView(raw), rawParams: raw.params, url: request.url ?? '/' };
    const state: ClientState = { gateways: route.gateways, handshake, upgrade: upgradeRequestInfo(request), settings: this.settings };
    const pending = new PendingWsClient();
    setClientState(pending, state);
    const upgrade: Upgrade = { route, request, socket, head, pending, state };

    const checks = this.#runChecks(upgrade, raw);
    if (!isThenable(checks)) {
      this.#conclude(upgrade, checks);
      return;
    }
    // Until ws owns the socket, an error on it must not go unheard (that would end the process).
    const onSocketError = () => socket.destroy();
    socket.on(ERROR_EVENT, onSocketError);
    this.#checking.add(socket);
    settleWithin(checks, this.settings.handshakeTimeout, socket)
      .then(outcome => {
        socket.off(ERROR_EVENT, onSocketError);
        this.#checking.delete(socket);
        this.#conclude(upgrade, outcome);
      })
      .catch(error => {
        this.logger.error('Unexpected failure while admitting a WebSocket client', errorDetail(error));
        socket.destroy();
      });
  }

  /** Ends whatever is still in flight: sockets being checked are refused (HTTP 503), refused clients dropped. */
  dispose(): void {
    for (const socket of this.#checking) refuseUpgradeDuringShutdown(socket, this.settings.shutdownCloseCode);
    this.#checking.clear();
    for (const client of this.#refused) client.terminate();
    this.#refused.clear();
    this.#refusalServer?.close();
    this.#refusalServer = undefined;
  }

  #conclude(upgrade: Upgrade, outcome: CheckOutcome | typeof GONE | typeof TIMED_OUT): void {
    const { route, request, socket, head, pending, state } = upgrade;
    if (outcome === GONE || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    if (outcome === TIMED_OUT) {
      this.#refuse(upgrade, { code: WsStatus.WS_1013_TRY_AGAIN_LATER, reason: TRY_AGAIN_LATER_REASON }, undefined);
      return;
    }
    if (outcome !== ADMITTED) {
      this.#refuse(upgrade, pending.decision ?? { code: WsStatus.WS_1011_INTERNAL_ERROR, reason: INTERNAL_ERROR_REASON }, outcome.error);
      return;
    }
    route.server.handleUpgrade(request, socket, head, client => this.#accept(route, client, request, state));
  }

  /** ADMITTED, or the error once the filters have decided on the pending client; a promise only when something is async. */
  #runChecks(upgrade: Upgrade, raw: RawHandshake): CheckOutcome | Promise<CheckOutcome> {
    const { gateways } = upgrade.route;
    if (!this.runtimes.synchronous(gateways)) return this.#runChecksAsync(upgrade, raw);
    let failing: GatewayDescriptor | undefined;
    try {
      for (const descriptor of gateways) {
        failing = descriptor;
        validateHandshake(descriptor, raw, upgrade.state.handshake, this.settings.validation);
      }
      return ADMITTED;
    } catch (error) {
      return this.#decide(failing!, error, upgrade);
    }
  }

  async #runChecksAsync(upgrade: Upgrade, raw: RawHandshake): Promise<CheckOutcome> {
    const { route, pending, request } = upgrade;
    let failing: GatewayDescriptor | undefined;
    try {
      for (const descriptor of route.gateways) {
        failing = descriptor;
        const guards = this.runtimes.guards(descriptor);
        if (guards.length) await runGuards(guards, this.runtimes.host(descriptor, 'handshake', [pending, request]));
      }
      for (const descriptor of route.gateways) {
        failing = descriptor;
        await validateHandshake(descriptor, raw, upgrade.state.handshake, this.settings.validation);
      }
      return ADMITTED;
    } catch (error) {
      return this.#decide(failing!, error, upgrade);
    }
  }

  /** The filters decide on the pending client; an async filter is waited for before the default steps in. */
  #decide(descriptor: GatewayDescriptor, error: unknown, { pending, request }: Upgrade): CheckOutcome | Promise<CheckOutcome> {
    const conclude = (): CheckOutcome => {
      if (!pending.decision) {
        // A filter that handled the error without closing: the client still gets an ending.
        DEFAULT_FILTER.filter.catch(error, this.runtimes.host(descriptor, 'handshake', [pending, request]));
      }
      return { error };
    };
    const handled = this.runtimes.handleError(descriptor, 'handshake', error, [pending, request]);
    return handled ? handled.then(conclude) : conclude();
  }

  /** The refusal a filter decided: a close frame after a completed upgrade, or an HTTP status. */
  #refuse({ socket, request, head, pending }: Upgrade, decision: RejectionDecision, error: unknown): void {
    if (this.settings.handshakeRejection === 'http') {
      // `isInstance`: what user code threw may be a Proxy whose traps throw.
      const validationError = isInstance(error, WebSocketRequestValidationError) ? error : undefined;
      const validation = !!validationError && decision.code === WsStatus.WS_1008_POLICY_VIOLATION;
      refuseUpgrade(socket, httpStatusForCloseCode(decision.code, validation), refusalBody(decision, validationError?.errors(), this.settings.reason));
      return;
    }
    // An untracked server of its own: a refused client never appears in a gateway server's `clients`.
    this.#refusalServer ??= new this.ws.WebSocketServer({
      noServer: true,
      clientTracking: false,
      closeTimeout: this.settings.closeTimeout,
      maxPayload: 1024,
    } as WsModule.ServerOptions);
    this.#refusalServer.handleUpgrade(request, socket, head, client => {
      this.#refused.add(client);
      client.once(CLOSE_EVENT, () => this.#refused.delete(client));
      client.on(ERROR_EVENT, () => client.terminate());
      for (const message of pending.sent) client.send(message as string);
      closeWebSocket(client, decision.code, decision.reason, this.settings.reason);
    });
  }

  /** The socket is open: Nest's connection handler runs (`handleConnection`), then the client is admitted. */
  #accept(route: Route, client: WebSocket, request: http.IncomingMessage, state: ClientState): void {
    setClientState(client, state);
    const session = new ClientSession(client, this.settings);
    attachClientSession(client, session);
    route.server.emit(CONNECTION_EVENT, client, request);
    const outcomes = session.outcomes.splice(0);
    const failed = outcomes.find(outcome => outcome.failed);
    if (failed) {
      void this.#failConnection(failed.descriptor, failed.result, client, request);
      return;
    }
    const waiting = outcomes.filter(outcome => isThenable(outcome.result));
    if (waiting.length === 0) {
      session.admit();
      return;
    }
    const timeout = this.settings.handshakeTimeout;
    Promise.all(
      waiting.map(outcome =>
        settleWithin(
          Promise.resolve(outcome.result).then(
            () => ADMITTED,
            error => ({ error, descriptor: outcome.descriptor }),
          ),
          timeout,
          client,
        ),
      ),
    ).then(results => {
      if (session.closed) return;
      for (const result of results) {
        if (result === GONE) return;
        if (result === TIMED_OUT) {
          closeWebSocket(client, WsStatus.WS_1013_TRY_AGAIN_LATER, TRY_AGAIN_LATER_REASON);
          return;
        }
        if (typeof result === 'object') {
          void this.#failConnection(result.descriptor, result.error, client, request);
          return;
        }
      }
      session.admit();
    });
  }

  async #failConnection(descriptor: GatewayDescriptor, error: unknown, client: WebSocket, request: http.IncomingMessage): Promise<void> {
    const handled = this.runtimes.handleError(descriptor, 'connection', error, [client, request]);
    // A filter that never settles must not keep an unadmitted client open.
    const verdict = handled && (await settleWithin(handled, this.settings.handshakeTimeout, client));
    if (client.readyState !== ReadyState.OPEN) return;
    if (verdict === TIMED_OUT) closeWebSocket(client, WsStatus.WS_1013_TRY_AGAIN_LATER, TRY_AGAIN_LATER_REASON);
    // The filter handled it without closing: an unadmitted client may not stay open.
    else closeWebSocket(client, WsStatus.WS_1011_INTERNAL_ERROR, INTERNAL_ERROR_REASON);
  }
}
