import { Inject, Injectable, Logger, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModulesContainer, type AbstractHttpAdapter, type ApplicationConfig } from '@nestjs/core';
import { ASYNCAPI_BUILD_FAILED_MESSAGE, INTERNAL_ERROR_REASON } from '../exceptions/messages.constant.js';
import type { WsErrorsOptions } from '../interfaces/ws-errors-options.interface.js';
import { errorDetail } from '../utils/error-detail.util.js';
import { WS_ERRORS_OPTIONS } from '../ws-errors.constants.js';
import type { AsyncApiDocumentOptions } from './asyncapi-document.interface.js';
import { asyncApiToYaml, buildAsyncApiDocument, isYamlName, sourceOf, type AsyncApiSource } from './asyncapi-document.builder.js';
import { APPLICATION_CONFIG, appWideEnhancersOf } from '../nest/app-metadata.js';

/**
 * `WsErrorsModule.forRoot({ asyncapi })`: where the document is served over HTTP, and what it says of itself.
 * @publicApi
 */
export interface AsyncApiServeOptions extends AsyncApiDocumentOptions {
  /** The HTTP path, `/asyncapi.json`; a name ending in `.yaml` or `.yml` serves YAML. */
  path: string;
}

const logger = new Logger('AsyncApi');

/**
 * Serves the app's AsyncAPI document at `path` on its HTTP server, in the style of
 * `SwaggerModule.setup()`; call it before `app.listen()`. The document is built at the first
 * request and kept.
 *
 * ```ts
 * setupAsyncApi('/asyncapi.yaml', app, { info: { title: 'Items', version: '2.1.0' } });
 * ```
 * @publicApi
 */
export function setupAsyncApi(path: string, app: INestApplication, options: AsyncApiDocumentOptions = {}): void {
  serveAsyncApiDocument(app.getHttpAdapter() as AbstractHttpAdapter, path, () => sourceOf(app), options);
}

/** Registers the route; any HTTP adapter (Express, Fastify) through Nest's own adapter methods. */
export function serveAsyncApiDocument(
  httpAdapter: AbstractHttpAdapter,
  path: string,
  source: () => AsyncApiSource,
  options: AsyncApiDocumentOptions,
): void {
  const yaml = isYamlName(path);
  let body: string | undefined;
  httpAdapter.get(path, (_request: unknown, response: unknown) => {
    try {
      body ??= yaml ? asyncApiToYaml(buildAsyncApiDocument(source(), options)) : JSON.stringify(buildAsyncApiDocument(source(), options));
      httpAdapter.setHeader(response, 'Content-Type', yaml ? 'application/yaml; charset=utf-8' : 'application/json; charset=utf-8');
      httpAdapter.reply(response, body, 200);
    } catch (error) {
      // A DTO the converter cannot read must not take the HTTP server down, nor leak its details.
      logger.error(ASYNCAPI_BUILD_FAILED_MESSAGE, errorDetail(error));
      httpAdapter.setHeader(response, 'Content-Type', 'text/plain; charset=utf-8');
      httpAdapter.reply(response, INTERNAL_ERROR_REASON, 500);
    }
  });
}

/**
 * Serves the document where `WsErrorsModule.forRoot({ asyncapi: { path } })` asks. At module init,
 * after Nest has registered its controllers and before it adds its 404 handler.
 */
@Injectable()
export class AsyncApiRoute implements OnModuleInit {
  constructor(
    @Inject(WS_ERRORS_OPTIONS) private readonly options: WsErrorsOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly modules: ModulesContainer,
    @Inject(APPLICATION_CONFIG) private readonly config: ApplicationConfig,
  ) {}

  onModuleInit(): void {
    const asyncapi = this.options.asyncapi;
    const httpAdapter = this.adapterHost.httpAdapter;
    if (!asyncapi || !httpAdapter) return;
    const { path, ...documentOptions } = asyncapi;
    serveAsyncApiDocument(httpAdapter, path, () => ({ modules: this.modules, appWide: appWideEnhancersOf(this.config) }), documentOptions);
  }
}
