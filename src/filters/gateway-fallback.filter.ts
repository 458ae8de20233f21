import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseWsExceptionFilter } from '@nestjs/websockets';
import { getClientState } from '../context/client-state.js';
import { runFilterSafely, selectFilter } from './filter-chain.js';

/**
 * The lowest-priority filter of every gateway the adapter serves. Nest does not apply
 * global filters to gateways; this one hands a message error no gateway filter caught to
 * the module's filters, and failing those, to Nest's own default (an `exception`
 * message), so that a gateway behaves as it did on the stock `WsAdapter`. It holds no
 * state: what it applies comes from the client, so one instance serves every app.
 * @internal
 */
@Catch()
export class GatewayFallbackFilter implements ExceptionFilter {
  readonly #stock = new BaseWsExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const globalFilters = getClientState(host.getArgByIndex(0))?.settings.globalFilters;
    const chosen = globalFilters && selectFilter(globalFilters, exception);
    if (chosen) runFilterSafely(chosen.filter, exception, host);
    else this.#stock.catch(exception, host);
  }
}

export const GATEWAY_FALLBACK_FILTER = new GatewayFallbackFilter();
