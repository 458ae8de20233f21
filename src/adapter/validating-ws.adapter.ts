import { Logger, type INestApplicationContext, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Observable } from 'rxjs';
import type { WebSocket, WebSocketServer } from 'ws';
import { closeWebSocket } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { setClientState, type ClientState } from '../context/client-state.js';
import type { EndpointPhase } from '../context/endpoint-context.interface.js';
import { attachEndpointContext } from '../context/endpoint-context.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import {
  BAD_REQUEST_REASON,
  INTERNAL_ERROR_REASON,
  NOT_FOUND_REASON,
  ORIGIN_NOT_ALLOWED_REASON,
  TRY_AGAIN_LATER_REASON,
} from '../exceptions/messages.constant.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import { runFilterSafely, selectFilter, toCandidate, type CandidateFilter } from '../filters/filter-chain.js';
import { WebSocketExceptionFilter } from '../filters/websocket-exception.filter.js';
import { errorDetail, isInstance } from '../utils/error-detail.util.js';
import { parseHandshake } from '../handshake/handshake.parser.js';
import type { HandshakeData } from '../handshake/handshake-data.interface.js';
import type { WsErrorsOptions } from '../interfaces/ws-errors-options.interface.js';
import { ERROR_EVENT, ReadyState } from '../ws-errors.constants.js';
import { resolveSettings, type AdapterSettings } from './adapter-settings.js';
import { attachClientSession, ClientSession, getClientSession } from './client-session.js';
import { discoverGateways, gatewayPattern, type DiscoveredGateway } from './gateway-discovery.js';
import { gatewayFilters, prepareMessageFilters, type EnhancerResolver } from './gateway-filters.js';
import { checksSynchronously, handshakeGuards, rawView, runGuards, validateHandshake } from './handshake.checks.js';
import { wrapLifecycleHooks } from './lifecycle-hooks.js';
import { createMessageDispatcher, type DispatchOptions } from './message.dispatcher.js';
import { isThenable } from '../utils/is-thenable.util.js';
import { httpStatusForCloseCode, refusalBody, refuseUpgrade } from './http-rejection.js';
import { isOriginAllowed } from './origin.check.js';
import { PendingWsClient } from './pending-client.js';
import { UpgradeRouter, type ServerRoute } from './upgrade.router.js';
import { GONE, settleWithin, TIMED_OUT } from './settle-within.js';
import { loadWsPackage } from './ws-package.js';

/** The stock adapter's message parser signature. */
export type WsMessageParser = (data: string | Buffer | ArrayBuffer | Buffer[]) => { event: string; data: unknown } | void;

/**
 * Options of {@link ValidatingWsAdapter}: the stock adapter's `messageParser`, and every
 * option of `WsErrorsModule.forRoot()`, which these override.
 * @publicApi
 */
export interface ValidatingWsAdapterOptions extends WsErrorsOptions {
  messageParser?: WsMessageParser;
}

const UNDERLYING_HTTP_SERVER_PORT = 0;

type Route = ServerRoute<WebSocketServer>;

interface GatewayRuntime {
  descriptor: GatewayDescriptor;
  /** `handleConnection`'s filters, then the module's, then the default: for handshake and connection errors. */
  connectionFilters: CandidateFilter[];
  disconnectFilters: CandidateFilter[];
  guards: ReturnType<typeof handshakeGuards>;
  /** No guards and no async constraint: the handshake is checked within the upgrade's tick. */
  synchronous: boolean;
}

type CheckOutcome = typeof ADMITTED | { error: unknown };

/** What one upgrade carries from the checks to their conclusion. */
interface Admission {
  route: Route;
  request: http.IncomingMessage;
  socket: Duplex;
  head: Buffer;
  pending: PendingWsClient;
  state: ClientState;
}

/**
 * A drop-in for `@nestjs/platform-ws`'s `WsAdapter` that routes upgrades by path pattern,
 * validates handshake DTOs and runs class-level guards before a gateway sees the socket,
 * and turns every error into an RFC 6455 close frame through the gateway's filters.
 *
 * ```ts
 * app.useWebSocketAdapter(new ValidatingWsAdapter(app, { handshakeRejection: 'close' }));
 * ```
 * @publicApi
 */
export class ValidatingWsAdapter extends WsAdapter {
  protected override readonly logger = new Logger(ValidatingWsAdapter.name);
  readonly #app?: INestApplicationContext;
  readonly #ownOptions: ValidatingWsAdapterOptions;
  readonly #ws = loadWsPackage();
  #settings?: AdapterSettings;
  #runtimes?: Map<GatewayDescriptor, GatewayRuntime>;
  #discovered: DiscoveredGateway[] = [];
  readonly #routers = new Map<number, UpgradeRouter<WebSocketServer>>();
  #rejectionServer?: WebSocketServer;
  #dispatch?: DispatchOptions;
  /** Sockets whose handshake is being checked, and rejected clients awaiting the close handshake. */
  readonly #sockets = new Set<Duplex>();
  readonly #rejected = new Set<WebSocket>();
  readonly #upgradeListeners = new Map<http.Server, (...args: any[]) => void>();

  constructor(appOrHttpServer?: INestApplicationContext | object, options: ValidatingWsAdapterOptions = {}) {
    super(appOrHttpServer, options.messageParser ? { messageParser: options.messageParser } : undefined);
    this.#ownOptions = options;
    if (appOrHttpServer && typeof (appOrHttpServer as INestApplicationContext).get === 'function') {
      this.#app = appOrHttpServer as INestApplicationContext;
      // Before Nest binds message handlers (at init), so that their filters are ready.
      this.#prepare();
    }
  }

  /** The settings in force: the module's options overridden by the adapter's. */
  protected get settings(): AdapterSettings {
    return (this.#settings ??= resolveSettings(this.#modules(), this.#ownOptions));
  }

  /** Nest's module container; `ModulesContainer` is always there, so `app.get()` cannot fail on it. */
  #modules(): ModulesContainer | undefined {
    return this.#app?.get(ModulesContainer, { strict: false });
  }

  override create(port: number, options: Record<string, unknown> & { path?: string; server?: unknown; namespace?: string } = {}): any {
    const { server, path, namespace, ...wsOptions } = options;
    if (namespace || server) return super.create(port, options as never);
    this.#prepare();
    const pattern = gatewayPattern(port, path);
    const wsServer = this.bindErrorHandler(
      new this.#ws.WebSocketServer({
        maxPayload: this.settings.maxPayload,
        closeTimeout: this.settings.closeTimeout,
        ...wsOptions,
        noServer: true,
      } as never),
    ) as WebSocketServer;
    const gateways = this.#discovered
      .map(found => found.descriptor)
      .filter(descriptor => descriptor.port === port && descriptor.path === pattern);
    if (gateways.length > 1) {
      this.logger.warn(`${gateways.map(g => g.gateway.name).join(', ')} share ${pattern ?? 'every path'} on one server`);
    }
    const httpServer = port === UNDERLYING_HTTP_SERVER_PORT ? this.httpServer : undefined;
    if (port === UNDERLYING_HTTP_SERVER_PORT && !httpServer) {
      throw new Error('ValidatingWsAdapter needs an HTTP server for gateways on the application port');
    }
    const created = this.ensureHttpServerExists(port, httpServer ?? http.createServer());
    if (port !== UNDERLYING_HTTP_SERVER_PORT) created?.listen(port);
    this.#router(port).add({ server: wsServer, pattern, gateways });
    (wsServer as WebSocketServer & { path?: string }).path = pattern ?? '*';
    return wsServer;
  }

  override bindMessageHandlers(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    transform: (data: any) => Observable<any>,
  ): void {
    const session = getClientSession(client);
    if (!session) {
      super.bindMessageHandlers(client, handlers, transform);
      return;
    }
    session.addDispatcher(createMessageDispatcher(session, handlers, this.#dispatchOptions()));
  }

  override bindErrorHandler(server: any): any {
    // A client's protocol error (bad UTF-8, oversized frame) is the client's fault and ws
    // already closes with the right code: not worth an error line per client.
    server.on('connection', (ws: WebSocket) => ws.on(ERROR_EVENT, (err: Error) => this.logger.debug?.(err.message)));
    server.on(ERROR_EVENT, (err: Error) => this.logger.error(err));
    return server;
  }

  override async dispose(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    for (const client of this.#rejected) client.terminate();
    this.#rejected.clear();
    this.#rejectionServer?.close();
    this.#rejectionServer = undefined;
    // A server passed in by the caller outlives the adapter: take our listener off it.
    for (const [server, listener] of this.#upgradeListeners) server.off('upgrade', listener);
    this.#upgradeListeners.clear();
    await super.dispose();
    this.#routers.clear();
  }

  protected override ensureHttpServerExists(port: number, httpServer = http.createServer()): any {
    if (this.httpServersRegistry.has(port)) return;
    this.httpServersRegistry.set(port, httpServer);
    const listener = (request: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#onUpgrade(port, httpServer, request, socket, head);
    httpServer.on('upgrade', listener);
    this.#upgradeListeners.set(httpServer, listener);
    return httpServer;
  }

  // ---------------------------------------------------------------- preparation

  /** Finds the app's gateways and readies them, once: filters, guards, lifecycle hooks. */
  #prepare(): void {
    if (this.#runtimes || !this.#app) return;
    const modules = this.#modules();
    if (!modules) return;
    this.#runtimes = new Map();
    this.#discovered = discoverGateways(modules);
    for (const found of this.#discovered) {
      const resolve = this.#resolver(found, modules);
      const { descriptor } = found;
      prepareMessageFilters(descriptor, resolve);
      const tail = [...this.settings.globalFilters, DEFAULT_FILTER];
      const guards = handshakeGuards(descriptor, resolve);
      this.#runtimes.set(descriptor, {
        descriptor,
        connectionFilters: [...gatewayFilters(descriptor, descriptor.gateway.prototype.handleConnection, resolve), ...tail],
        disconnectFilters: [...gatewayFilters(descriptor, descriptor.gateway.prototype.handleDisconnect, resolve), ...tail],
        guards,
        synchronous: checksSynchronously(descriptor, guards),
      });
      wrapLifecycleHooks(descriptor, (error, args) => this.#handleError(descriptor, 'disconnect', error, args));
    }
  }

  /**
   * Enhancer classes resolve to the instance Nest made for the gateway's module, else to one
   * any module holds (never `app.get()`: a miss there exits the process under `abortOnError`),
   * else to a new instance, as Nest does for an enhancer with no dependencies.
   */
  #resolver(found: DiscoveredGateway, modules: ModulesContainer): EnhancerResolver {
    return (type: Type) => {
      const own = found.injectables.get(type)?.instance;
      if (own) return own;
      for (const moduleRef of modules.values()) {
        const instance = moduleRef.injectables.get(type)?.instance ?? moduleRef.providers.get(type)?.instance;
        if (instance) return instance;
      }
      return new type();
    };
  }

  #router(port: number): UpgradeRouter<WebSocketServer> {
    let router = this.#routers.get(port);
    if (!router) this.#routers.set(port, (router = new UpgradeRouter()));
    return router;
  }

  // ---------------------------------------------------------------- the upgrade

  #onUpgrade(port: number, httpServer: http.Server, request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      this.#route(port, httpServer, request, socket, head);
    } catch (error) {
      // An `upgrade` listener that throws ends the process; a user's origin predicate may throw.
      this.logger.error('Unexpected failure while routing a WebSocket upgrade', errorDetail(error));
      refuseUpgrade(socket, 500, { code: null, reason: INTERNAL_ERROR_REASON });
    }
  }

  #route(port: number, httpServer: http.Server, request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
    const search = queryAt === -1 ? '' : url.slice(queryAt);
    const found = this.#router(port).match(pathname);
    if (found.kind === 'not-found') {
      // Another upgrade listener (a second ws server, a proxy) may own this path.
      if (httpServer.listenerCount('upgrade') > 1) return;
      refuseUpgrade(socket, 404, { code: null, reason: NOT_FOUND_REASON });
      return;
    }
    if (found.kind === 'malformed') {
      refuseUpgrade(socket, 400, { code: null, reason: BAD_REQUEST_REASON });
      return;
    }
    const { allowedOrigins } = this.settings;
    if (allowedOrigins && !isOriginAllowed(allowedOrigins, request)) {
      refuseUpgrade(socket, 403, { code: null, reason: ORIGIN_NOT_ALLOWED_REASON });
      return;
    }
    this.#admit(found.route, found.params, request, socket, head, search);
  }

  /**
   * Guards, then DTOs, then the upgrade; a refusal goes through the gateway's filters.
   * Without guards or async constraints it all happens in this tick: no promise, no timer.
   */
  #admit(
    route: Route,
    params: Record<string, string | string[]>,
    request: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
    search: string,
  ): void {
    const raw = parseHandshake(request, search, params);
    const handshake: HandshakeData = { ...rawView(raw), rawParams: raw.params, url: request.url ?? '/' };
    const state: ClientState = { gateways: route.gateways, handshake, settings: this.settings };
    const pending = new PendingWsClient(request);
    setClientState(pending, state);
    const admission: Admission = { route, request, socket, head, pending, state };

    const checks = this.#runChecks(route, raw, handshake, pending, request);
    if (!isThenable(checks)) {
      this.#conclude(admission, checks);
      return;
    }
    // Until ws owns the socket, an error on it must not go unheard (that would end the process).
    const onSocketError = () => socket.destroy();
    socket.on(ERROR_EVENT, onSocketError);
    this.#sockets.add(socket);
    settleWithin(checks, this.settings.handshakeTimeout, socket)
      .then(outcome => {
        socket.off(ERROR_EVENT, onSocketError);
        this.#sockets.delete(socket);
        this.#conclude(admission, outcome);
      })
      .catch(error => {
        this.logger.error('Unexpected failure while admitting a WebSocket client', errorDetail(error));
        socket.destroy();
      });
  }

  #conclude(admission: Admission, outcome: CheckOutcome | typeof GONE | typeof TIMED_OUT): void {
    const { route, request, socket, head, pending, state } = admission;
    if (outcome === GONE || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    if (outcome === TIMED_OUT) {
      this.#reject(socket, request, head, { code: WsStatus.WS_1013_TRY_AGAIN_LATER, reason: TRY_AGAIN_LATER_REASON }, pending, undefined);
      return;
    }
    if (outcome !== ADMITTED) {
      this.#reject(socket, request, head, pending.decision ?? { code: 1011, reason: INTERNAL_ERROR_REASON }, pending, outcome.error);
      return;
    }
    route.server.handleUpgrade(request, socket, head, client => this.#accept(route, client, request, state));
  }

  /** ADMITTED, or the error once the filters have decided on the pending client; a promise only when something is async. */
  #runChecks(
    route: Route,
    raw: ReturnType<typeof parseHandshake>,
    handshake: HandshakeData,
    pending: PendingWsClient,
    request: http.IncomingMessage,
  ): CheckOutcome | Promise<CheckOutcome> {
    if (!route.gateways.every(descriptor => this.#runtimes?.get(descriptor)?.synchronous)) {
      return this.#runChecksAsync(route, raw, handshake, pending, request);
    }
    let failing: GatewayDescriptor | undefined;
    try {
      for (const descriptor of route.gateways) {
        failing = descriptor;
        validateHandshake(descriptor, raw, handshake, this.settings.validation);
      }
      return ADMITTED;
    } catch (error) {
      return this.#refuse(failing!, error, pending, request);
    }
  }

  async #runChecksAsync(
    route: Route,
    raw: ReturnType<typeof parseHandshake>,
    handshake: HandshakeData,
    pending: PendingWsClient,
    request: http.IncomingMessage,
  ): Promise<CheckOutcome> {
    let failing: GatewayDescriptor | undefined;
    try {
      for (const descriptor of route.gateways) {
        failing = descriptor;
        const runtime = this.#runtimes?.get(descriptor);
        if (runtime?.guards.length) {
          await runGuards(runtime.guards, this.#host(descriptor, 'handshake', [pending, request]) as never);
        }
      }
      for (const descriptor of route.gateways) {
        failing = descriptor;
        await validateHandshake(descriptor, raw, handshake, this.settings.validation);
      }
      return ADMITTED;
    } catch (error) {
      return this.#refuse(failing!, error, pending, request);
    }
  }

  /** The filters decide on the pending client; an async filter is waited for before the default steps in. */
  #refuse(descriptor: GatewayDescriptor, error: unknown, pending: PendingWsClient, request: http.IncomingMessage): CheckOutcome | Promise<CheckOutcome> {
    const conclude = (): CheckOutcome => {
      if (!pending.decision) {
        // A filter that handled the error without closing: the client still gets an ending.
        DEFAULT_FILTER.filter.catch(error, this.#host(descriptor, 'handshake', [pending, request]));
      }
      return { error };
    };
    const handled = this.#handleError(descriptor, 'handshake', error, [pending, request]);
    return handled ? handled.then(conclude) : conclude();
  }

  /** The refusal a filter decided: a close frame after a completed upgrade, or an HTTP status. */
  #reject(
    socket: Duplex,
    request: http.IncomingMessage,
    head: Buffer,
    decision: { code: number; reason: string },
    pending: PendingWsClient,
    error: unknown,
  ): void {
    if (this.settings.handshakeRejection === 'http') {
      // `isInstance`: what user code threw may be a Proxy whose traps throw.
      const validationError = isInstance(error, WebSocketRequestValidationError) ? error : undefined;
      const validation = !!validationError && decision.code === WsStatus.WS_1008_POLICY_VIOLATION;
      const body = refusalBody(decision, validationError?.errors(), this.settings.reason);
      refuseUpgrade(socket, httpStatusForCloseCode(decision.code, validation), body);
      return;
    }
    this.#rejectionServer ??= new this.#ws.WebSocketServer({
      noServer: true,
      clientTracking: false,
      closeTimeout: this.settings.closeTimeout,
      maxPayload: 1024,
    } as never);
    this.#rejectionServer.handleUpgrade(request, socket, head, client => {
      this.#rejected.add(client);
      client.once('close', () => this.#rejected.delete(client));
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
    route.server.emit('connection', client, request);
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
    const handled = this.#handleError(descriptor, 'connection', error, [client, request]);
    // A filter that never settles must not keep an unadmitted client open.
    const verdict = handled && (await settleWithin(handled, this.settings.handshakeTimeout, client));
    if (client.readyState !== ReadyState.OPEN) return;
    if (verdict === TIMED_OUT) closeWebSocket(client, WsStatus.WS_1013_TRY_AGAIN_LATER, TRY_AGAIN_LATER_REASON);
    // The filter handled it without closing: an unadmitted client may not stay open.
    else closeWebSocket(client, WsStatus.WS_1011_INTERNAL_ERROR, INTERNAL_ERROR_REASON);
  }

  // ---------------------------------------------------------------- errors

  /** Runs the filters Nest would run for the gateway's `handleConnection`/`handleDisconnect`, then the module's, then the default. */
  #handleError(descriptor: GatewayDescriptor, phase: EndpointPhase, error: unknown, args: unknown[]): Promise<void> | undefined {
    const runtime = this.#runtimes?.get(descriptor);
    const candidates =
      (phase === 'disconnect' ? runtime?.disconnectFilters : runtime?.connectionFilters) ?? [DEFAULT_FILTER];
    const host = this.#host(descriptor, phase, args);
    const exception =
      isInstance(error, WebSocketRequestValidationError) && !error.endpointCtx
        ? error.withEndpoint(descriptor.endpoint(phase))
        : error;
    const chosen = selectFilter(candidates, exception) ?? DEFAULT_FILTER;
    return runFilterSafely(chosen.filter, exception, host);
  }

  #host(descriptor: GatewayDescriptor, phase: EndpointPhase, args: unknown[]): ExecutionContextHost {
    const context = descriptor.endpoint(phase);
    const host = new ExecutionContextHost(args, descriptor.gateway, context.handler as never);
    host.setType('ws');
    return attachEndpointContext(host, context);
  }

  // ---------------------------------------------------------------- messages

  #dispatchOptions(): DispatchOptions {
    return (this.#dispatch ??= this.#createDispatchOptions());
  }

  #createDispatchOptions(): DispatchOptions {
    const parse = this.messageParser as unknown as DispatchOptions['parse'];
    const closeOnInvalid = this.settings.invalidMessage === 'close';
    return {
      parse,
      closeOnInvalid,
      rejectBinary: closeOnInvalid && !this.#ownOptions.messageParser,
      closeOnUnknownEvent: this.settings.unknownEvent === 'close',
      logger: this.logger,
    };
  }
}

const DEFAULT_FILTER = toCandidate(new WebSocketExceptionFilter());
const ADMITTED = Symbol('admitted');


