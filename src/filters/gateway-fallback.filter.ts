import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseWsExceptionFilter } from '@nestjs/websockets';
import { getClientState } from '../context/client-state.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import { WebSocketException } from '../exceptions/websocket.exception.js';
import { isInstance } from '../utils/error-detail.util.js';
import { runFilterSafely, selectFilter } from './filter-chain.js';
import { WebSocketExceptionFilter } from './websocket-exception.filter.js';

/**
 * The lowest-priority filter of every gateway the adapter serves. Nest does not apply
 * global filters to gateways; this one hands a message error no gateway filter caught to
 * the module's filters. Failing those, this library's own exceptions still close the socket
 * (a `WebSocketException(code)` means that code, with or without a filter), and anything
 * else gets Nest's own default (an `exception` message), so that a gateway behaves as it did
 * on the stock `WsAdapter`. It holds no state: what it applies comes from the client, so one
 * instance serves every app.
 * @internal
 */
@Catch()
export class GatewayFallbackFilter implements ExceptionFilter {
  readonly #stock = new BaseWsExceptionFilter();
  readonly #closing = new WebSocketExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const state = getClientState(host.getArgByIndex(0));
    const chosen = state && selectFilter(state.settings.globalFilters, exception);
    if (chosen) runFilterSafely(chosen.filter, exception, host);
    else if (state && (isInstance(exception, WebSocketException) || isInstance(exception, WebSocketRequestValidationError))) {
      runFilterSafely(this.#closing, exception, host);
    } else this.#stock.catch(exception, host);
  }
}

export const GATEWAY_FALLBACK_FILTER = new GatewayFallbackFilter();
