import { Logger, type INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Observable } from 'rxjs';
import type * as WsModule from 'ws';
import type { WebSocket, WebSocketServer } from 'ws';
import {
  BAD_REQUEST_REASON,
  INTERNAL_ERROR_REASON,
  NOT_FOUND_REASON,
  ORIGIN_NOT_ALLOWED_REASON,
} from '../exceptions/messages.constant.js';
import type { WsErrorsOptions } from '../interfaces/ws-errors-options.interface.js';
import { ConnectionSupervisor } from '../lifecycle/connection-supervisor.js';
import { closeClientsForShutdown, refuseUpgradeDuringShutdown } from '../lifecycle/graceful-shutdown.js';
import { errorDetail } from '../utils/error-detail.util.js';
import { CONNECTION_EVENT, ERROR_EVENT } from '../ws-errors.constants.js';
import { gatedWebSocketClass } from '../admission/admission-gate.js';
import { HandshakeAdmission } from '../admission/handshake.pipeline.js';
import { getClientState } from '../context/client-state.js';
import { resolveSettings, type AdapterSettings } from './adapter-settings.js';
import { getClientSession } from './client-session.js';
import { EnhancerResolver } from './enhancer-resolver.js';
import { discoverGateways, gatewayPattern } from './gateway-discovery.js';
import { GatewayRuntimes } from './gateway-runtimes.js';
import { refuseUpgrade } from './http-rejection.js';
import { createMessageDispatcher, type DispatchOptions } from './message.dispatcher.js';
import { isOriginAllowed } from './origin.check.js';
import { UpgradeRouter } from './upgrade.router.js';
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
  #resolver?: EnhancerResolver;
  #runtimes?: GatewayRuntimes;
  #admission?: HandshakeAdmission;
  #dispatch?: DispatchOptions;
  #supervisor?: ConnectionSupervisor;
  /** Set once the app closes: new upgrades are refused, clients in their handshake are refused. */
  #shutdown?: Promise<void>;
  readonly #routers = new Map<number, UpgradeRouter<WebSocketServer>>();
  readonly #upgradeListeners = new Map<http.Server, (...args: any[]) => void>();

  constructor(appOrHttpServer?: INestApplicationContext | object, options: ValidatingWsAdapterOptions = {}) {
    super(appOrHttpServer, options.messageParser ? { messageParser: options.messageParser } : undefined);
    this.#ownOptions = options;
    if (appOrHttpServer && typeof (appOrHttpServer as INestApplicationContext).get === 'function') {
      this.#app = appOrHttpServer as INestApplicationContext;
      // Before Nest binds message handlers (at init), so that their filters are ready.
      this.#prepare();
    } else {
      this.logger.warn(
        'ValidatingWsAdapter was given no Nest application: it routes and closes, but handshake DTOs, guards, ' +
          "filters and hook wrapping need the app's gateways. Use new ValidatingWsAdapter(app).",
      );
    }
  }

  /** The settings in force: the module's options overridden by the adapter's. */
  protected get settings(): AdapterSettings {
    return (this.#settings ??= resolveSettings(this.#modules(), this.#ownOptions, this.#enhancers()));
  }

  override create(port: number, options: Record<string, unknown> & { path?: string; server?: unknown; namespace?: string } = {}): any {
    const { server, path, namespace, ...wsOptions } = options;
    if (namespace || server) return super.create(port, options as never);
    const runtimes = this.#prepare();
    const pattern = gatewayPattern(port, path);
    const gateways = runtimes.descriptors.filter(descriptor => descriptor.port === port && descriptor.path === pattern);
    const checked = gateways.some(descriptor => descriptor.handshake);
    const supervisor = this.#lifecycle();
    const wsServer = this.bindErrorHandler(
      new this.#ws.WebSocketServer({
        maxPayload: this.settings.maxPayload,
        closeTimeout: this.settings.closeTimeout,
        ...wsOptions,
        // Every client is supervised (heartbeat, idle, backpressure); a checked gateway's clients also
        // hold what the app sends them until they are admitted.
        WebSocket: this.#socketClass(supervisor, checked, wsOptions.WebSocket as typeof WsModule.WebSocket | undefined),
        noServer: true,
      } as never),
    ) as WebSocketServer;
    supervisor.watch(wsServer);
    if (gateways.length > 1) {
      this.logger.warn(`${gateways.map(g => g.gateway.name).join(', ')} share ${pattern ?? 'every path'} on one server`);
    }
    const httpServer = port === UNDERLYING_HTTP_SERVER_PORT ? this.httpServer : undefined;
    if (port === UNDERLYING_HTTP_SERVER_PORT && !httpServer) {
      throw new Error('ValidatingWsAdapter needs an HTTP server for gateways on the application port');
    }
    const created = this.ensureHttpServerExists(port, httpServer ?? http.createServer());
    if (port !== UNDERLYING_HTTP_SERVER_PORT) created?.listen(port);
    this.#router(port).add({ server: wsServer, pattern, gateways: [...gateways], checked });
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
    const closeOnFailure = getClientState(client)?.checked ?? true;
    session.addDispatcher(createMessageDispatcher(session, handlers, this.#dispatchOptions(), closeOnFailure));
  }

  override bindErrorHandler(server: any): any {
    // A client's protocol error (bad UTF-8, oversized frame) is the client's fault and ws
    // already closes with the right code: not worth an error line per client.
    server.on(CONNECTION_EVENT, (ws: WebSocket) => ws.on(ERROR_EVENT, (err: Error) => this.logger.debug?.(err.message)));
    server.on(ERROR_EVENT, (err: Error) => this.logger.error(err));
    return server;
  }

  /**
   * Nest's `app.close()` (and `enableShutdownHooks()`): every client gets `shutdownCloseCode`
   * (1001 `Going Away` by default) and up to `closeTimeout` to answer before it is dropped, where
   * the stock adapter drops them all at once (they see 1006). From the first call on, new
   * upgrades and those still being checked are refused with HTTP 503.
   */
  override async close(server: any): Promise<void> {
    const clients = (server as Partial<WebSocketServer> | undefined)?.clients;
    await Promise.all([
      this.#beginShutdown(),
      clients && closeClientsForShutdown(clients, this.settings.shutdownCloseCode, this.settings.closeTimeout),
    ]);
    await super.close(server);
  }

  override async dispose(): Promise<void> {
    await this.#beginShutdown();
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

  #lifecycle(): ConnectionSupervisor {
    return (this.#supervisor ??= new ConnectionSupervisor(this.settings));
  }

  /** The class a server builds its clients from: the gateway's own (or ws'), supervised, and gated where checked. */
  #socketClass(supervisor: ConnectionSupervisor, checked: boolean, given: typeof WsModule.WebSocket | undefined): typeof WsModule.WebSocket {
    const supervised = supervisor.socketClass(given ?? this.#ws.WebSocket);
    return checked ? gatedWebSocketClass(supervised) : supervised;
  }

  #beginShutdown(): Promise<void> {
    if (!this.#shutdown) {
      this.#supervisor?.stop();
      // Clients in their handshake are refused now, not admitted during the shutdown.
      this.#shutdown = this.#admission?.shutdown() ?? Promise.resolve();
    }
    return this.#shutdown;
  }

  /** Nest's module container; `ModulesContainer` is always there, so `app.get()` cannot fail on it. */
  #modules(): ModulesContainer | undefined {
    return this.#app?.get(ModulesContainer, { strict: false });
  }

  /** The one policy by which guard and filter classes become instances. */
  #enhancers(): EnhancerResolver {
    return (this.#resolver ??= new EnhancerResolver(this.#modules()));
  }

  /** Finds the app's gateways and readies them, once. */
  #prepare(): GatewayRuntimes {
    if (!this.#runtimes) {
      const modules = this.#modules();
      this.#runtimes = new GatewayRuntimes(modules ? discoverGateways(modules) : [], this.#enhancers(), this.settings);
      this.#admission = new HandshakeAdmission(this.#runtimes, this.settings, this.#ws, this.logger);
    }
    return this.#runtimes;
  }

  #router(port: number): UpgradeRouter<WebSocketServer> {
    let router = this.#routers.get(port);
    if (!router) this.#routers.set(port, (router = new UpgradeRouter()));
    return router;
  }

  #onUpgrade(port: number, httpServer: http.Server, request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      this.#route(port, httpServer, request, socket, head);
    } catch (error) {
      // An `upgrade` listener that throws ends the process; a user's origin predicate may throw.
      this.logger.error('Unexpected failure while routing a WebSocket upgrade', errorDetail(error));
      refuseUpgrade(socket, 500, { code: null, reason: INTERNAL_ERROR_REASON });
    }
  }

  /** Path → server, then the origin check; what passes goes to admission. */
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
    if (this.#shutdown) {
      refuseUpgradeDuringShutdown(socket, this.settings.shutdownCloseCode);
      return;
    }
    const { allowedOrigins } = this.settings;
    if (allowedOrigins && !isOriginAllowed(allowedOrigins, request)) {
      refuseUpgrade(socket, 403, { code: null, reason: ORIGIN_NOT_ALLOWED_REASON });
      return;
    }
    this.#prepare();
    this.#admission!.admit(found.route, found.params, request, socket, head, search);
  }

  #dispatchOptions(): DispatchOptions {
    return (this.#dispatch ??= this.#createDispatchOptions());
  }

  #createDispatchOptions(): DispatchOptions {
    const closeOnInvalid = this.settings.invalidMessage === 'close';
    return {
      // Read at each message: `setMessageParser()` may change it after the first client.
      parse: data => (this.messageParser as unknown as DispatchOptions['parse'])(data),
      closeOnInvalid,
      rejectBinary: closeOnInvalid && !this.#ownOptions.messageParser,
      closeOnUnknownEvent: this.settings.unknownEvent === 'close',
      logger: this.logger,
    };
  }
}
