import type { CloseCodeEntry } from './close-code.catalogue.js';
import type { JsonSchema } from './schema-conversion.js';

/** A JSON Reference, `{ $ref: '#/channels/ItemsGateway' }`. */
export interface AsyncApiReference {
  $ref: string;
}

/**
 * The parts of an AsyncAPI 3.0 document this library writes; see https://www.asyncapi.com/docs/reference/specification/v3.0.0.
 * @publicApi
 */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  id?: string;
  info: AsyncApiInfo;
  servers?: Record<string, AsyncApiServer>;
  defaultContentType: string;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, AsyncApiOperation>;
  components: { schemas: Record<string, JsonSchema> };
}

/** @publicApi */
export interface AsyncApiInfo {
  title: string;
  version: string;
  description?: string;
  [extension: `x-${string}`]: unknown;
}

/** A server the channels are reached on, e.g. `{ host: 'api.example.com', protocol: 'wss' }`. @publicApi */
export interface AsyncApiServer {
  host: string;
  protocol: string;
  pathname?: string;
  description?: string;
  [field: string]: unknown;
}

/** One gateway. @publicApi */
export interface AsyncApiChannel {
  /** The path pattern in AsyncAPI form, `/items/{itemId}/ws`; `null`: every path of the gateway's own port. */
  address: string | null;
  title: string;
  description?: string;
  parameters?: Record<string, AsyncApiParameter>;
  messages: Record<string, AsyncApiMessage>;
  bindings: { ws: AsyncApiWsChannelBinding };
  /** The gateway's path pattern as Nest declares it, `/items/:itemId/ws`. */
  'x-path'?: string;
  /** The port of a gateway that listens on a port of its own. */
  'x-port'?: number;
  /** The close codes this gateway can send, and why. */
  'x-close-codes': CloseCodeEntry[];
}

/** AsyncAPI 3 parameters are strings; `x-schema` keeps what the params DTO says of it. @publicApi */
export interface AsyncApiParameter {
  description?: string;
  enum?: string[];
  'x-schema'?: JsonSchema;
}

/** The `ws` channel binding, version 0.1.0: the handshake request. @publicApi */
export interface AsyncApiWsChannelBinding {
  method: 'GET';
  /** Schema of the query parameters (`@WsHandshake({ query })`). */
  query?: JsonSchema;
  /** Schema of the request headers, lower-case (`@WsHandshake({ headers })`, and `cookie` where cookies are read). */
  headers?: JsonSchema;
  /** Schema of the cookies (`@WsHandshake({ cookies })`), which travel in the `Cookie` header. */
  'x-cookies'?: JsonSchema;
  bindingVersion: '0.1.0';
}

/** @publicApi */
export interface AsyncApiMessage {
  name: string;
  title?: string;
  summary?: string;
  description?: string;
  contentType: string;
  payload: JsonSchema;
}

/** @publicApi */
export interface AsyncApiOperation {
  action: 'send' | 'receive';
  channel: AsyncApiReference;
  title?: string;
  summary?: string;
  description?: string;
  messages: AsyncApiReference[];
  reply?: { channel: AsyncApiReference; messages: AsyncApiReference[] };
}

/**
 * Options of `createAsyncApiDocument()` and of `WsErrorsModule.forRoot({ asyncapi })`.
 * @publicApi
 */
export interface AsyncApiDocumentOptions {
  /** `info` of the document; `title` and `version` have defaults. */
  info?: Partial<AsyncApiInfo>;
  /** Where the channels are reached; none by default (the document's reader knows the host it got it from). */
  servers?: Record<string, AsyncApiServer>;
  /** The document's `id`, a URI. */
  id?: string;
}
