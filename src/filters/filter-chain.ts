import { Logger, type ArgumentsHost, type ExceptionFilter, type Type } from '@nestjs/common';
import { isObservable } from 'rxjs';
import { closeWebSocket } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { INTERNAL_ERROR_REASON } from '../exceptions/messages.constant.js';
import { kWrapped } from '../ws-errors.constants.js';
import { isThenable } from '../utils/is-thenable.util.js';
import { getClientState } from '../context/client-state.js';
import { getEndpointContext } from '../context/endpoint-context.js';
import { caughtTypes } from '../nest/gateway-enhancer-metadata.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import { errorDetail, isInstance } from '../utils/error-detail.util.js';

/** A filter instance and the exception types its `@Catch()` names (none: all). */
export interface CandidateFilter {
  readonly filter: ExceptionFilter;
  readonly catches: readonly Type[];
}

const logger = new Logger('WsExceptionFilters');

export function toCandidate(filter: ExceptionFilter): CandidateFilter {
  return { filter, catches: caughtTypes(filter) };
}

/** Nest's rule: the first filter whose `@Catch()` is empty or matches the exception. */
export function selectFilter(candidates: readonly CandidateFilter[], exception: unknown): CandidateFilter | undefined {
  return candidates.find(
    ({ catches }) => catches.length === 0 || catches.some(type => isInstance(exception, type)),
  );
}

/**
 * Runs a filter so that nothing it does escapes: a throw, a rejection or an Observable
 * that errors is logged and the process keeps running. On a gateway that declares
 * `@WsHandshake` the client is closed with 1011; on any other the socket stays open, as the
 * stock adapter leaves it after logging a filter that rethrows (admission still closes a
 * client whose `handleConnection` failed).
 * An Observable a filter returns is subscribed to (as Nest does for RPC filters).
 *
 * @returns for an async filter (a promise or an Observable), a promise that settles,
 *   never rejecting, once the filter is done; a caller that must know what the filter
 *   decided (the handshake) awaits it. `undefined` when the filter finished synchronously.
 */
export function runFilterSafely(filter: ExceptionFilter, exception: unknown, host: ArgumentsHost): Promise<void> | undefined {
  const client = host.getArgByIndex(0);
  try {
    const result: unknown = filter.catch(withEndpoint(exception, host), host);
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        () => undefined,
        error => failClosed(client, filter, error),
      );
    }
    if (isObservable(result)) {
      return new Promise<void>(resolve => {
        result.subscribe({
          error: error => {
            failClosed(client, filter, error);
            resolve();
          },
          complete: () => resolve(),
        });
      });
    }
  } catch (error) {
    failClosed(client, filter, error);
  }
  return undefined;
}

/**
 * Makes a filter instance that Nest invokes itself (message phase) safe in place:
 * Nest ignores what `catch` returns, so a rejecting async filter would otherwise be an
 * unhandled rejection, which ends a Node process. Done before init, since Nest binds each
 * instance's `catch` then (the assumption in nest/gateway-enhancer-metadata.ts).
 */
export function guardFilterInstance(filter: ExceptionFilter): void {
  const original = filter.catch as ExceptionFilter['catch'] & { [kWrapped]?: true };
  if (typeof original !== 'function' || original[kWrapped]) return;
  const guarded = function (this: ExceptionFilter, exception: unknown, host: ArgumentsHost) {
    // The returned promise never rejects; the adapter awaits it where it must (at the handshake).
    return runFilterSafely({ catch: original.bind(this), constructor: filter.constructor } as ExceptionFilter, exception, host);
  };
  Object.defineProperty(guarded, kWrapped, { value: true });
  Object.defineProperty(filter, 'catch', { value: guarded, configurable: true, writable: true });
}

/** A validation error raised where the endpoint was not known (a message pipe) gets it named here. */
function withEndpoint(exception: unknown, host: ArgumentsHost): unknown {
  if (!isInstance(exception, WebSocketRequestValidationError) || (exception as WebSocketRequestValidationError).endpointCtx) return exception;
  const context = getEndpointContext(host);
  return context ? (exception as WebSocketRequestValidationError).withEndpoint(context) : exception;
}

function failClosed(client: unknown, filter: ExceptionFilter, error: unknown): void {
  try {
    logger.error(`${filterName(filter)} failed while handling an error`, errorDetail(error));
  } catch {
    // a logger that throws must not keep the client open
  }
  const state = getClientState(client);
  if (state && !state.checked) return;
  try {
    if (client && typeof client === 'object' && 'close' in client) {
      closeWebSocket(client as Parameters<typeof closeWebSocket>[0], WsStatus.WS_1011_INTERNAL_ERROR, INTERNAL_ERROR_REASON);
    }
  } catch {
    // the client is already gone: nothing left to tell it
  }
}

function filterName(filter: ExceptionFilter): string {
  try {
    return filter.constructor?.name || 'An exception filter';
  } catch {
    return 'An exception filter';
  }
}

