import { Inject, Injectable, Optional, type ExceptionFilter } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { WsErrorsOptions } from './interfaces/ws-errors-options.interface.js';
import { WS_ERRORS_ASYNC_FILTERS, WS_ERRORS_OPTIONS } from './ws-errors.constants.js';
import type { WsErrorsFilter } from './interfaces/ws-errors-options.interface.js';

/**
 * What `WsErrorsModule` holds for the adapter: the options and the global filters,
 * classes resolved through DI once.
 * @publicApi
 */
@Injectable()
export class WsErrorsRegistry {
  #filters?: ExceptionFilter[];

  constructor(
    @Inject(WS_ERRORS_OPTIONS) readonly options: WsErrorsOptions,
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(WS_ERRORS_ASYNC_FILTERS) private readonly asyncFilters: WsErrorsFilter[] = [],
  ) {}

  /** The module's filters as instances, in the order given. */
  get filters(): ExceptionFilter[] {
    return (this.#filters ??= [...(this.asyncFilters ?? []), ...(this.options.filters ?? [])].map(filter =>
      typeof filter === 'function' ? this.resolve(filter) : filter,
    ));
  }

  private resolve(type: new (...args: never[]) => ExceptionFilter): ExceptionFilter {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return new (type as new () => ExceptionFilter)();
    }
  }
}
