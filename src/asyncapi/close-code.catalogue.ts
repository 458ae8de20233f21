import type { AdapterSettings } from '../adapter/adapter-settings.js';
import { httpStatusForCloseCode } from '../adapter/http-rejection.js';
import { shouldReconnect } from '../close-frame/close-code-advice.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { shutdownReason } from '../lifecycle/graceful-shutdown.js';
import { IDLE_TIMEOUT_CODE } from '../lifecycle/lifecycle-options.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { declaredCloseCodes, type WsCloseCodeDeclaration } from '../decorators/ws-close-codes.decorator.js';
import {
  BACKPRESSURE_REASON,
  IDLE_TIMEOUT_REASON,
  FORBIDDEN_REASON,
  INTERNAL_ERROR_REASON,
  INVALID_MESSAGE_REASON,
  MESSAGE_TOO_BIG_REASON,
  TOO_MANY_PENDING_MESSAGES_REASON,
  TRY_AGAIN_LATER_REASON,
  UNKNOWN_EVENT_REASON,
  UNSUPPORTED_BINARY_REASON,
} from '../exceptions/messages.constant.js';
import { GatewayFallbackFilter } from '../filters/gateway-fallback.filter.js';
import { dtosValidateSynchronously } from '../admission/handshake-dtos.js';
import { WsValidationPipe } from '../pipes/ws-validation.pipe.js';
import { messageBodyParam, usedFilters, usedGuards, usedPipes, type AppWideEnhancers } from '../nest/app-metadata.js';

/**
 * Why a gateway closes with a code: stable names a generated client can switch on.
 * @publicApi
 */
export type CloseCause =
  | 'validation'
  | 'guard'
  | 'handshake-timeout'
  | 'pending-messages'
  | 'pending-bytes'
  | 'max-payload'
  | 'invalid-message'
  | 'binary-message'
  | 'unknown-event'
  | 'ws-exception'
  | 'http-exception'
  | 'internal-error'
  | 'heartbeat'
  | 'idle'
  | 'backpressure'
  | 'shutdown'
  | 'declared';

/**
 * One row of a channel's `x-close-codes`: a code this gateway can close with, and why.
 * @publicApi
 */
export interface CloseCodeEntry {
  code: number;
  /** The last code of a range: `{ code: 4400, to: 4499 }` is an `HttpException`'s 4000 + its 4xx status. */
  to?: number;
  /** The reason the client reads, or what it holds where it varies (in angle brackets). */
  reason: string;
  /** When the gateway closes with it. */
  when: string;
  /** `handshake`: before the client is admitted; `message`: while it sends messages; `any`: in either. */
  phase: 'handshake' | 'message' | 'any';
  cause: CloseCause;
  /** Whether a client should reconnect after it (a request the server refused will be refused again). */
  retry: boolean;
  /** Whether a reconnect should wait, with growing pauses (the server is busy or restarting). */
  backoff: boolean;
  /** With `handshakeRejection: 'http'`: the HTTP status that refuses the upgrade instead of this close code. */
  httpStatus?: number;
  /** A declared code that stands in for these rows of the default table (which are then left out). */
  replaces?: CloseCause[];
}

/** The part of the adapter's settings the catalogue depends on. */
export type CatalogueSettings = Pick<
  AdapterSettings,
  | 'handshakeRejection'
  | 'handshakeTimeout'
  | 'maxPayload'
  | 'maxPendingMessages'
  | 'maxPendingBytes'
  | 'invalidMessage'
  | 'unknownEvent'
  | 'globalFilters'
  | 'heartbeat'
  | 'idleTimeout'
  | 'maxBufferedBytes'
  | 'shutdownCloseCode'
>;

/**
 * The close codes one gateway can send: the default filter's table, the limits in force, and what
 * `@WsCloseCodes` declares on the gateway, its handlers and its filters (its own and the module's).
 */
export function closeCodeCatalogue(
  descriptor: GatewayDescriptor,
  settings: CatalogueSettings,
  appWide: Pick<AppWideEnhancers, 'pipes' | 'guards'> = { pipes: [], guards: [] },
): CloseCodeEntry[] {
  const { gateway, handshake } = descriptor;
  const handlers = [...descriptor.handlers.values()];
  const declarations = declaredFor(descriptor, settings);
  // A declared code that stands in for a default row (a filter's own code for validation errors) replaces it.
  const replaced = new Set<CloseCause>(declarations.flatMap(declared => declared.replaces ?? []));
  const entries: CloseCodeEntry[] = [];
  const add = (entry: Omit<CloseCodeEntry, 'retry' | 'backoff'> & Partial<Pick<CloseCodeEntry, 'retry' | 'backoff'>>) => {
    if (replaced.has(entry.cause)) return;
    // One advice for every close code the library documents or sends (close-frame/close-code-advice.ts).
    const reconnect = shouldReconnect(entry.code);
    const row: CloseCodeEntry = { ...entry, retry: entry.retry ?? reconnect, backoff: entry.backoff ?? reconnect };
    if (row.phase === 'handshake' && settings.handshakeRejection === 'http') {
      row.httpStatus = httpStatusForCloseCode(row.code, row.cause === 'validation');
    }
    entries.push(row);
  };

  const hasHandshake = handshake !== undefined;
  if (handshake && (handshake.params || handshake.query || handshake.headers || handshake.cookies)) {
    add({
      code: WsStatus.WS_1008_POLICY_VIOLATION,
      reason: '<JSON of the validation errors: [{"type","loc","msg"}, …]>',
      when: 'a path parameter, query parameter, header or cookie fails its DTO',
      phase: 'handshake',
      cause: 'validation',
    });
  }
  const classGuards = usedGuards(gateway).length > 0;
  if (hasHandshake && classGuards) {
    add({ code: WsStatus.WS_1008_POLICY_VIOLATION, reason: FORBIDDEN_REASON, when: 'a guard refuses the connection', phase: 'handshake', cause: 'guard' });
  }
  // Checks that are all synchronous finish within the upgrade's tick: no timer. A `handleConnection`
  // that returns a promise is timed too; whether it does cannot be read from the class.
  const asyncChecks = hasHandshake && (classGuards || !dtosValidateSynchronously(descriptor));
  const connectionHook = typeof gateway.prototype.handleConnection === 'function';
  if (asyncChecks || connectionHook) {
    const timed = [asyncChecks ? 'the handshake checks (guards, async constraints)' : undefined, connectionHook ? 'an async handleConnection' : undefined];
    add({
      code: WsStatus.WS_1013_TRY_AGAIN_LATER,
      reason: TRY_AGAIN_LATER_REASON,
      when: `${timed.filter(Boolean).join(' or ')} not finished within ${settings.handshakeTimeout} ms`,
      phase: 'handshake',
      cause: 'handshake-timeout',
    });
  }
  add({
    code: WsStatus.WS_1008_POLICY_VIOLATION,
    reason: TOO_MANY_PENDING_MESSAGES_REASON,
    when: `the client sends ${settings.maxPendingMessages} messages or more before it is admitted`,
    phase: 'handshake',
    cause: 'pending-messages',
    retry: false,
  });
  add({
    code: WsStatus.WS_1009_MESSAGE_TOO_BIG,
    reason: MESSAGE_TOO_BIG_REASON,
    when: `the client sends more than ${settings.maxPendingBytes} bytes before it is admitted`,
    phase: 'handshake',
    cause: 'pending-bytes',
    retry: false,
  });

  if (handlers.some(({ methodName, method }) => validatesBody(descriptor, methodName, method, appWide.pipes))) {
    add({
      code: WsStatus.WS_1008_POLICY_VIOLATION,
      reason: '<JSON of the validation errors: [{"type","loc":["body",…],"msg"}, …]>',
      when: 'a message body fails its DTO (WsValidationPipe)',
      phase: 'message',
      cause: 'validation',
    });
  }
  // Other errors of a message reach a filter only where one is listed (the gateway's, a handler's or the
  // module's); elsewhere Nest's stock handling answers with an `exception` message and leaves the socket open.
  const messageFilters =
    settings.globalFilters.length > 0 ||
    listedFilters(gateway).length > 0 ||
    handlers.some(({ method }) => listedFilters(gateway, method).length > 0);
  const messageGuards = classGuards || appWide.guards.length > 0 || handlers.some(({ method }) => usedGuards(gateway, method).length > 0);
  if (messageGuards && messageFilters) {
    add({ code: WsStatus.WS_1008_POLICY_VIOLATION, reason: FORBIDDEN_REASON, when: 'a guard refuses a message', phase: 'message', cause: 'guard' });
  }
  add({
    code: WsStatus.WS_1009_MESSAGE_TOO_BIG,
    reason: '',
    when: `a message is larger than ${settings.maxPayload} bytes (closed by ws, without a reason)`,
    phase: 'message',
    cause: 'max-payload',
  });
  if (settings.invalidMessage === 'close') {
    add({ code: WsStatus.WS_1007_INVALID_FRAME_PAYLOAD_DATA, reason: INVALID_MESSAGE_REASON, when: 'a text message is not a readable { event, data } frame', phase: 'message', cause: 'invalid-message' });
    add({ code: WsStatus.WS_1003_UNSUPPORTED_DATA, reason: UNSUPPORTED_BINARY_REASON, when: 'a binary message arrives', phase: 'message', cause: 'binary-message' });
  }
  if (settings.unknownEvent === 'close') {
    add({ code: WsStatus.WS_1003_UNSUPPORTED_DATA, reason: UNKNOWN_EVENT_REASON, when: 'a message names an event no handler subscribes to', phase: 'message', cause: 'unknown-event' });
  }

  const errorPhase = messageFilters ? 'any' : 'handshake';
  add({ code: WsStatus.WS_1008_POLICY_VIOLATION, reason: '<the exception message>', when: 'a WsException is thrown', phase: errorPhase, cause: 'ws-exception' });
  add({
    code: 4400,
    to: 4499,
    reason: '<the exception message>',
    when: 'an HttpException with a 4xx status is thrown: 4000 + its status (4401, 4403, 4429, …)',
    phase: errorPhase,
    cause: 'http-exception',
    retry: false,
    backoff: false,
  });
  add({
    code: WsStatus.WS_1011_INTERNAL_ERROR,
    reason: INTERNAL_ERROR_REASON,
    when: 'any other error, or an HttpException with a 5xx status (its message is never sent)',
    phase: errorPhase,
    cause: 'internal-error',
  });

  // The connection lifecycle, as configured (src/lifecycle/).
  if (settings.heartbeat) {
    const { interval, timeout } = settings.heartbeat;
    add({
      code: WsStatus.WS_1006_ABNORMAL_CLOSURE,
      reason: '',
      when: `no answer to a ping within ${timeout} ms (pings every ${interval} ms): dropped without a close frame, so the client sees 1006`,
      phase: 'any',
      cause: 'heartbeat',
    });
  }
  if (settings.idleTimeout > 0) {
    add({ code: IDLE_TIMEOUT_CODE, reason: IDLE_TIMEOUT_REASON, when: `the client sends no message for ${settings.idleTimeout} ms`, phase: 'message', cause: 'idle' });
  }
  if (Number.isFinite(settings.maxBufferedBytes)) {
    add({
      code: WsStatus.WS_1013_TRY_AGAIN_LATER,
      reason: BACKPRESSURE_REASON,
      when: `more than ${settings.maxBufferedBytes} bytes wait to be sent to the client (it reads too slowly)`,
      phase: 'message',
      cause: 'backpressure',
    });
  }
  add({ code: settings.shutdownCloseCode, reason: shutdownReason(settings.shutdownCloseCode), when: 'the server shuts down (app.close())', phase: 'any', cause: 'shutdown' });

  for (const declared of declarations) {
    add({
      code: declared.code,
      reason: declared.reason ?? '',
      when: declared.when ?? 'declared with @WsCloseCodes',
      phase: declared.phase ?? 'any',
      cause: 'declared',
      ...(declared.retry === undefined ? {} : { retry: declared.retry }),
      ...(declared.backoff === undefined ? {} : { backoff: declared.backoff }),
      ...(declared.replaces === undefined ? {} : { replaces: [...declared.replaces] }),
    });
  }
  return entries;
}

/** `WsValidationPipe` on the body, on the handler or the gateway (`@UsePipes`), or app-wide (`useGlobalPipes`). */
function validatesBody(descriptor: GatewayDescriptor, methodName: string, method: Function, globalPipes: readonly unknown[]): boolean {
  const body = messageBodyParam(descriptor.gateway, methodName);
  if (!body) return false;
  return [...body.pipes, ...usedPipes(descriptor.gateway, method), ...globalPipes].some(isWsValidationPipe);
}

function isWsValidationPipe(pipe: unknown): boolean {
  return pipe === WsValidationPipe || (typeof pipe === 'function' && pipe.prototype instanceof WsValidationPipe) || pipe instanceof WsValidationPipe;
}

/** Declarations on the gateway, its handlers, and the filters that can handle its errors, each once. */
function declaredFor(descriptor: GatewayDescriptor, settings: CatalogueSettings): WsCloseCodeDeclaration[] {
  const { gateway } = descriptor;
  const lifecycle = ['handleConnection', 'handleDisconnect'].map(name => gateway.prototype[name] as Function | undefined);
  const methods = [...descriptor.handlers.values()].map(ref => ref.method).concat(lifecycle.filter(m => m !== undefined));
  const holders = new Set<unknown>([gateway, ...methods]);
  for (const method of [undefined, ...methods]) for (const filter of listedFilters(gateway, method)) holders.add(filterClass(filter));
  for (const candidate of settings.globalFilters) holders.add(candidate.filter.constructor);
  const seen = new Set<string>();
  const declared: WsCloseCodeDeclaration[] = [];
  for (const holder of holders) {
    for (const entry of declaredCloseCodes(holder as object)) {
      const key = `${entry.code}\u0000${entry.reason ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      declared.push(entry);
    }
  }
  return declared;
}

/** The `@UseFilters` of the gateway and a method, without the fallback the adapter adds to every gateway. */
function listedFilters(gateway: GatewayDescriptor['gateway'], method?: Function): unknown[] {
  return usedFilters(gateway, method).filter(filter => !(filter instanceof GatewayFallbackFilter));
}

function filterClass(filter: unknown): unknown {
  return typeof filter === 'function' ? filter : (filter as object | null)?.constructor;
}
