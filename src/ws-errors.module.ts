import { Module, type DynamicModule } from '@nestjs/common';
import type { WsErrorsFilter } from './interfaces/ws-errors-options.interface.js';
import {
  WS_ERRORS_ASYNC_OPTIONS_TYPE,
  WS_ERRORS_OPTIONS_TYPE,
  WsErrorsConfigurableModule,
} from './ws-errors.module-definition.js';
import { WsErrorsRegistry } from './ws-errors.registry.js';
import { AsyncApiRoute } from './asyncapi/asyncapi.serve.js';
import { WS_ERRORS_ASYNC_FILTERS, WS_ERRORS_OPTIONS } from './ws-errors.constants.js';

/**
 * Holds the options of `ValidatingWsAdapter` and makes `filters` apply to every gateway,
 * for handshake and message errors alike, after each gateway's own `@UseFilters`.
 * Global by default (`isGlobal: false` to scope it).
 * @publicApi
 */
@Module({ providers: [WsErrorsRegistry, AsyncApiRoute], exports: [WsErrorsRegistry, WS_ERRORS_OPTIONS] })
export class WsErrorsModule extends WsErrorsConfigurableModule {
  static override forRoot(options: typeof WS_ERRORS_OPTIONS_TYPE = {}): DynamicModule {
    return withFilterProviders(super.forRoot(options), options.filters);
  }

  /** `filters` sit beside the factory, so that filter classes are resolved with DI. */
  static override forRootAsync(
    options: typeof WS_ERRORS_ASYNC_OPTIONS_TYPE & { filters?: WsErrorsFilter[] },
  ): DynamicModule {
    const definition = super.forRootAsync(options);
    const filters = options.filters ?? [];
    return withFilterProviders(
      { ...definition, providers: [...(definition.providers ?? []), { provide: WS_ERRORS_ASYNC_FILTERS, useValue: filters }] },
      filters,
    );
  }
}

/** Filter classes become providers of the module, so that they get their dependencies. */
function withFilterProviders(definition: DynamicModule, filters: WsErrorsFilter[] | undefined): DynamicModule {
  const classes = (filters ?? []).filter((filter): filter is Extract<WsErrorsFilter, Function> => typeof filter === 'function');
  if (classes.length === 0) return definition;
  return { ...definition, providers: [...(definition.providers ?? []), ...classes] };
}
