import { Inject, Injectable, Optional } from '@nestjs/common';
import type { WsErrorsFilter, WsErrorsOptions } from './interfaces/ws-errors-options.interface.js';
import { WS_ERRORS_ASYNC_FILTERS, WS_ERRORS_OPTIONS } from './ws-errors.constants.js';

/**
 * What `WsErrorsModule` holds for the adapter: the options and the global filters as given.
 * The adapter turns filter classes into instances by its one policy (the instance Nest
 * made with DI, since the module provides them).
 * @publicApi
 */
@Injectable()
export class WsErrorsRegistry {
  constructor(
    @Inject(WS_ERRORS_OPTIONS) readonly options: WsErrorsOptions,
    @Optional() @Inject(WS_ERRORS_ASYNC_FILTERS) private readonly asyncFilters: WsErrorsFilter[] = [],
  ) {}

  /** The module's filters, classes or instances, in the order given. */
  get filterRefs(): WsErrorsFilter[] {
    return [...(this.asyncFilters ?? []), ...(this.options.filters ?? [])];
  }
}
