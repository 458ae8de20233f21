import type { Logger } from '@nestjs/common';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type * as WsModule from 'ws';
import type { WebSocket } from 'ws';
import { closeWebSocket, closeWebSocketFor } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { setClientState } from '../context/client-state.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { INTERNAL_ERROR_REASON, TRY_AGAIN_LATER_REASON } from '../exceptions/messages.constant.js';
import type { AdapterSettings } from '../adapter/adapter-settings.js';
import { attachClientSession, ClientSession } from '../adapter/client-session.js';
import type { GatewayRuntimes } from '../adapter/gateway-runtimes.js';
import { GONE, settleWithin, TIMED_OUT } from '../adapter/settle-within.js';
import { closeClientsForShutdown, refuseUpgradeDuringShutdown } from '../lifecycle/graceful-shutdown.js';
import { exposePathParams } from '../nest/ws-path-params.js';
import { errorDetail } from '../utils/error-detail.util.js';
import { isThenable } from '../utils/is-thenable.util.js';
import { andThen, inSequence, settle, type MaybePromise } from '../utils/maybe-async.util.js';
import { CONNECTION_EVENT, ERROR_EVENT, ReadyState } from '../ws-errors.constants.js';
import { AdmissionGate } from './admission-gate.js';
import { connectionVerdict, type ConnectionVerdict } from './connection-hook.js';
import { startAttempt, type HandshakeAttempt, type Route } from './handshake-attempt.js';
import { validateHandshakeDtos } from './handshake-dtos.js';
import { runGuards } from './handshake-guards.js';
import type { RejectionDecision } from './pending-client.js';
import { decideRefusal } from './refusal-decision.js';
import { UpgradeRefusal } from './upgrade-refusal.js';

/** The checks passed; anything else is the refusal the filters decided, with its error. */
type CheckVerdict = { admitted: true } | { admitted: false; decision: RejectionDecision; error: unknown };

const CHECKS_PASSED: CheckVerdict = { admitted: true };
const TIMED_OUT_DECISION: RejectionDecision = { code: WsStatus.WS_1013_TRY_AGAIN_LATER, reason: TRY_AGAIN_LATER_REASON };

/**
 * Everything between a routed upgrade and an admitted client, in the order it happens:
 *
 *   parse → guards → DTOs → (refused: the filters decide → refuse) | accept → handleConnection → admit
 *
 * On a gateway without `@WsHandshake` there are no guards or DTOs to run, and the client is
 * visible from accept, as on the stock adapter. Each step is synchronous unless something
 * in it is async (a guard, an async constraint, an async filter), so the common handshake
 * takes no promise and no timer; one that waits is bounded by `handshakeTimeout`, and a
 * client that leaves meanwhile is let go at once.
 */
export class HandshakeAdmission {
  /** Sockets whose checks are under way, and accepted clients not yet admitted: `shutdown()` refuses them. */
  readonly #checking = new Set<Duplex>();
  readonly #admitting = new Map<WebSocket, { session: ClientSession; gate: AdmissionGate | undefined }>();
  readonly #refusal: UpgradeRefusal;

  constructor(
    private readonly runtimes: GatewayRuntimes,
    private readonly settings: AdapterSettings,
    ws: typeof WsModule,
    private readonly logger: Logger,
  ) {
    this.#refusal = new UpgradeRefusal(settings, ws);
  }

  admit(route: Route, params: Record<string, string | string[]>, request: http.IncomingMessage, socket: Duplex, head: Buffer, search: string): void {
    const attempt = startAttempt(route, params, request, socket, head, search, this.settings);
    const verdict = settle(
      () => this.#check(attempt),
      () => CHECKS_PASSED,
      error => this.#decide(attempt, error),
    );
    if (!isThenable(verdict)) {
      this.#conclude(attempt, verdict);
      return;
    }
    // Until ws owns the socket, an error on it must not go unheard (that would end the process).
    const onSocketError = () => socket.destroy();
    socket.on(ERROR_EVENT, onSocketError);
    this.#checking.add(socket);
    settleWithin(verdict, this.settings.handshakeTimeout, socket)
      .then(outcome => {
        socket.off(ERROR_EVENT, onSocketError);
        this.#checking.delete(socket);
        if (outcome === GONE) socket.destroy();
        else if (outcome === TIMED_OUT) this.#refusal.refuse(attempt, TIMED_OUT_DECISION, undefined);
        else this.#conclude(attempt, outcome);
      })
      .catch(error => {
        this.logger.error('Unexpected failure while admitting a WebSocket client', errorDetail(error));
        socket.destroy();
      });
  }

  /**
   * The app is closing: sockets still being checked are refused (HTTP 503 with the shutdown
   * code), clients accepted but not yet admitted are refused with the shutdown close code, and
   * refused clients still closing are dropped. Resolves once those clients are gone.
   */
  async shutdown(): Promise<void> {
    const { shutdownCloseCode, closeTimeout } = this.settings;
    for (const socket of this.#checking) refuseUpgradeDuringShutdown(socket, shutdownCloseCode);
    this.#checking.clear();
    const admitting = [...this.#admitting];
    this.#admitting.clear();
    for (const [, { session, gate }] of admitting) {
      session.refuse();
      gate?.refuse();
    }
    this.#refusal.dispose();
    await closeClientsForShutdown(admitting.map(([client]) => client), shutdownCloseCode, closeTimeout);
  }

  /** Guards of every gateway of the route, then their DTOs; only gateways with `@WsHandshake` have either. */
  #check(attempt: HandshakeAttempt): MaybePromise<void> {
    const { gateways, checked } = attempt.route;
    if (!checked) return;
    return andThen(
      inSequence(gateways, descriptor => this.#guard(attempt, descriptor)),
      () => inSequence(gateways, descriptor => this.#validate(attempt, descriptor)),
    );
  }

  #guard(attempt: HandshakeAttempt, descriptor: GatewayDescriptor): MaybePromise<void> {
    const guards = this.runtimes.guards(descriptor);
    if (guards.length === 0) return;
    attempt.failing = descriptor;
    return runGuards(guards, this.runtimes.host(descriptor, 'handshake', [attempt.pending, attempt.request]));
  }

  #validate(attempt: HandshakeAttempt, descriptor: GatewayDescriptor): MaybePromise<void> {
    if (!descriptor.handshake) return;
    attempt.failing = descriptor;
    return andThen(validateHandshakeDtos(descriptor, attempt.raw, this.settings.validation), validated => {
      Object.assign(attempt.state.handshake, validated);
    });
  }

  /** A check failed: the failing gateway's filters decide what the client hears. */
  #decide(attempt: HandshakeAttempt, error: unknown): MaybePromise<CheckVerdict> {
    const descriptor = attempt.failing ?? attempt.route.gateways[0]!;
    return settle(
      () => decideRefusal(this.runtimes, descriptor, error, attempt),
      decision => ({ admitted: false, decision, error }),
      () => ({ admitted: false, decision: { code: WsStatus.WS_1011_INTERNAL_ERROR, reason: INTERNAL_ERROR_REASON }, error }),
    );
  }

  #conclude(attempt: HandshakeAttempt, verdict: CheckVerdict): void {
    const { route, request, socket, head } = attempt;
    if (socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    if (!verdict.admitted) {
      this.#refusal.refuse(attempt, verdict.decision, verdict.error);
      return;
    }
    (attempt.state.handshake as { validated: boolean }).validated = true;
    route.server.handleUpgrade(request, socket, head, client => this.#accept(attempt, client));
  }

  /** The socket is open: Nest's connection handler runs `handleConnection`, then the client is admitted or refused. */
  #accept(attempt: HandshakeAttempt, client: WebSocket): void {
    const { route, request, state, raw } = attempt;
    setClientState(client, state);
    exposePathParams(request, client, raw.params);
    const gate = route.checked ? AdmissionGate.close(client, route.server, attempt.early) : undefined;
    const session = new ClientSession(client, this.settings);
    attachClientSession(client, session);
    // Taken out when the connection verdict concludes, whatever it is (a client that leaves meanwhile
    // concludes as 'gone'): no close listener per client, which would outlive admission.
    this.#admitting.set(client, { session, gate });
    route.server.emit(CONNECTION_EVENT, client, request);
    settle(
      () => connectionVerdict(session, this.settings.handshakeTimeout),
      verdict => this.#concludeConnection(verdict, session, gate, request),
      error => {
        this.#admitting.delete(client);
        this.logger.error('Unexpected failure while admitting a WebSocket client', errorDetail(error));
      },
    );
  }

  #concludeConnection(verdict: ConnectionVerdict, session: ClientSession, gate: AdmissionGate | undefined, request: http.IncomingMessage): void {
    const { client } = session;
    this.#admitting.delete(client);
    if (verdict.kind === 'gone' || session.closed) return;
    if (verdict.kind === 'admitted') {
      gate?.admit();
      session.admit();
      return;
    }
    session.refuse();
    gate?.refuse();
    if (verdict.kind === 'timed-out') closeForTimeout(client);
    else void this.#failConnection(verdict.descriptor, verdict.error, client, request);
  }

  /** `handleConnection` failed: its filters decide; a client they leave open is closed all the same. */
  async #failConnection(descriptor: GatewayDescriptor, error: unknown, client: WebSocket, request: http.IncomingMessage): Promise<void> {
    const handled = this.runtimes.handleError(descriptor, 'connection', error, [client, request]);
    // A filter that never settles must not keep a refused client open.
    const settled = handled && (await settleWithin(handled, this.settings.handshakeTimeout, client));
    if (client.readyState !== ReadyState.OPEN) return;
    if (settled === TIMED_OUT) closeForTimeout(client);
    else closeWebSocket(client, WsStatus.WS_1011_INTERNAL_ERROR, INTERNAL_ERROR_REASON);
  }
}

/** `handshakeTimeout` is one of the library's limits: `getDisconnectInfo` says so. */
function closeForTimeout(client: WebSocket): void {
  closeWebSocketFor('limit', client, WsStatus.WS_1013_TRY_AGAIN_LATER, TRY_AGAIN_LATER_REASON);
}
