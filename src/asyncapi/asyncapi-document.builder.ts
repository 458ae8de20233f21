import type { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolveSettings, type AdapterSettings } from '../adapter/adapter-settings.js';
import { discoverGateways } from '../adapter/gateway-discovery.js';
import { ValidatingWsAdapter } from '../adapter/validating-ws.adapter.js';
import type { AsyncApiDocument, AsyncApiDocumentOptions } from './asyncapi-document.interface.js';
import { buildChannel, uniqueKey } from './channel.builder.js';
import { appWideEnhancersOf, type AppWideEnhancers } from '../nest/app-metadata.js';
import { SchemaConversion } from './schema-conversion.js';

const DEFAULT_TITLE = 'WebSocket gateways';
const DEFAULT_VERSION = '1.0.0';

/** What a document is made from: the app's modules, and its adapter, global pipes and guards. */
export interface AsyncApiSource {
  modules: ModulesContainer;
  appWide: AppWideEnhancers;
}

/**
 * The app's gateways as an AsyncAPI 3.0 document: a channel per gateway (its path pattern as
 * `address`, path parameters, the `ws` binding's `query` and `headers` schemas from `@WsHandshake`
 * DTOs, cookies under `x-cookies`), a `receive` operation per `@SubscribeMessage` event with the
 * `@MessageBody()` DTO's schema, what handlers send back, and the close codes of each channel
 * under `x-close-codes`. Works once the app is created (`NestFactory.create`), listening or not.
 *
 * ```ts
 * const document = createAsyncApiDocument(app, { info: { title: 'Items', version: '2.1.0' } });
 * const yaml = createAsyncApiDocument(app, { format: 'yaml' });
 * ```
 * @publicApi
 */
export function createAsyncApiDocument(app: INestApplicationContext, options?: AsyncApiDocumentOptions & { format?: 'json' }): AsyncApiDocument;
export function createAsyncApiDocument(app: INestApplicationContext, options: AsyncApiDocumentOptions & { format: 'yaml' }): string;
export function createAsyncApiDocument(
  app: INestApplicationContext,
  options: AsyncApiDocumentOptions & { format?: 'json' | 'yaml' } = {},
): AsyncApiDocument | string {
  const document = buildAsyncApiDocument(sourceOf(app), options);
  return options.format === 'yaml' ? asyncApiToYaml(document) : document;
}

/**
 * Writes the document to `file`, as YAML when the name ends in `.yaml` or `.yml`, else as JSON:
 * for a build step that publishes it.
 * @publicApi
 */
export async function writeAsyncApiDocument(app: INestApplicationContext, file: string, options: AsyncApiDocumentOptions = {}): Promise<void> {
  const document = buildAsyncApiDocument(sourceOf(app), options);
  await writeFile(file, isYamlName(file) ? asyncApiToYaml(document) : `${JSON.stringify(document, null, 2)}\n`);
}

/** The document as YAML. @publicApi */
export function asyncApiToYaml(document: AsyncApiDocument): string {
  // Loaded when asked for, not with the library. No anchors or aliases: every reader takes the result.
  const { stringify } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return stringify(document, { aliasDuplicateObjects: false });
}

export function isYamlName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

export function sourceOf(app: INestApplicationContext): AsyncApiSource {
  return { modules: app.get(ModulesContainer, { strict: false }), appWide: appWideEnhancersOf(app) };
}

export function buildAsyncApiDocument(source: AsyncApiSource, options: AsyncApiDocumentOptions = {}): AsyncApiDocument {
  const settings = settingsOf(source);
  const schemas = new SchemaConversion();
  const document: AsyncApiDocument = {
    asyncapi: '3.0.0',
    ...(options.id === undefined ? {} : { id: options.id }),
    info: { ...options.info, title: options.info?.title ?? DEFAULT_TITLE, version: options.info?.version ?? DEFAULT_VERSION },
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    defaultContentType: 'application/json',
    channels: {},
    operations: {},
    components: { schemas: {} },
  };
  const gateways = [...discoverGateways(source.modules)].sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '') || a.gateway.name.localeCompare(b.gateway.name));
  for (const descriptor of gateways) {
    const channelId = uniqueKey(descriptor.gateway.name, document.channels);
    const { channel, operations } = buildChannel(channelId, descriptor, schemas, settings, source.appWide);
    document.channels[channelId] = channel;
    Object.assign(document.operations, operations);
  }
  document.components.schemas = schemas.components();
  return document;
}

/**
 * The settings in force: the `ValidatingWsAdapter`'s (the module's options overridden by its own),
 * else the module's alone.
 */
function settingsOf(source: AsyncApiSource): AdapterSettings {
  const { adapter } = source.appWide;
  if (adapter instanceof ValidatingWsAdapter) {
    // `settings` is the adapter's protected view of its options; this library's own reader.
    return (adapter as unknown as { settings: AdapterSettings }).settings;
  }
  return resolveSettings(source.modules, {});
}
