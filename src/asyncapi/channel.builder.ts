import type { GatewayDescriptor, MessageHandlerRef } from '../context/gateway-descriptor.js';
import { declaredSends, type WsSendsSpec } from '../decorators/ws-sends.decorator.js';
import type {
  AsyncApiChannel,
  AsyncApiMessage,
  AsyncApiOperation,
  AsyncApiParameter,
  AsyncApiReference,
  AsyncApiWsChannelBinding,
} from './asyncapi-document.interface.js';
import { toChannelAddress } from './channel-address.js';
import { closeCodeCatalogue, type CatalogueSettings } from './close-code.catalogue.js';
import { declaredReturnType, messageBodyParam, type AppWideEnhancers } from '../nest/app-metadata.js';
import type { JsonSchema, SchemaConversion } from './schema-conversion.js';

const CONTENT_TYPE = 'application/json';
/** The generic reply of a handler that does not say what it returns. */
const GENERIC_REPLY = 'reply';

/** One gateway as an AsyncAPI channel, and its operations by id. */
export interface BuiltChannel {
  channel: AsyncApiChannel;
  operations: Record<string, AsyncApiOperation>;
}

/**
 * One gateway → one channel: its address and parameters, the handshake in the `ws` binding,
 * a message per `@SubscribeMessage` event (the `{ event, data }` frame Nest's `WsAdapter` reads),
 * what it sends back, and its close codes.
 */
export function buildChannel(
  channelId: string,
  descriptor: GatewayDescriptor,
  schemas: SchemaConversion,
  settings: CatalogueSettings,
  appWide: Pick<AppWideEnhancers, 'pipes' | 'guards'>,
): BuiltChannel {
  const { gateway, handshake } = descriptor;
  const channelRef: AsyncApiReference = { $ref: `#/channels/${channelId}` };
  const messageRef = (key: string): AsyncApiReference => ({ $ref: `#/channels/${channelId}/messages/${key}` });
  const messages: Record<string, AsyncApiMessage> = {};
  const operations: Record<string, AsyncApiOperation> = {};
  const addMessage = (wanted: string, message: AsyncApiMessage) => {
    const key = uniqueKey(wanted, messages);
    messages[key] = message;
    return key;
  };
  let genericReplyKey: string | undefined;

  for (const [event, handler] of descriptor.handlers) {
    const received = addMessage(event, {
      name: event,
      title: event,
      summary: `Handled by ${gateway.name}.${handler.methodName}`,
      contentType: CONTENT_TYPE,
      payload: receivedPayload(event, descriptor, handler, schemas),
    });
    const replies = replyMessages(event, descriptor, handler, schemas).map(message => addMessage(`${event}.reply`, message));
    const replyKeys = replies.length > 0 ? replies : [(genericReplyKey ??= addMessage(GENERIC_REPLY, genericReply()))];
    operations[uniqueKey(`${channelId}.${event}`, operations)] = {
      action: 'receive',
      channel: channelRef,
      summary: `${gateway.name}.${handler.methodName}`,
      messages: [messageRef(received)],
      reply: { channel: channelRef, messages: replyKeys.map(messageRef) },
    };
    if (replies.length > 0) {
      operations[uniqueKey(`${channelId}.${event}.reply`, operations)] = {
        action: 'send',
        channel: channelRef,
        summary: `What ${gateway.name}.${handler.methodName} returns`,
        messages: replies.map(messageRef),
      };
    }
  }
  if (genericReplyKey !== undefined) {
    operations[uniqueKey(`${channelId}.reply`, operations)] = {
      action: 'send',
      channel: channelRef,
      summary: 'What a handler returns, if anything',
      messages: [messageRef(genericReplyKey)],
    };
  }
  for (const spec of declaredSends(gateway)) {
    const name = spec.event ?? 'message';
    const key = addMessage(name, sentMessage(spec, `Sent by ${gateway.name}`, schemas));
    operations[uniqueKey(`${channelId}.send.${name}`, operations)] = {
      action: 'send',
      channel: channelRef,
      summary: `Sent by ${gateway.name} on its own`,
      messages: [messageRef(key)],
    };
  }

  const { address, parameters } = toChannelAddress(descriptor.path);
  const paramsSchema = handshake?.params ? schemas.dtoSchema(handshake.params) : undefined;
  const channel: AsyncApiChannel = {
    address,
    title: gateway.name,
    description: `Served by ${gateway.name}. Messages are JSON frames { "event": …, "data": … }.`,
    ...(parameters.length === 0
      ? {}
      : { parameters: Object.fromEntries(parameters.map(param => [param.name, parameterOf(param, paramsSchema)])) }),
    messages,
    bindings: { ws: wsBinding(descriptor, schemas) },
    ...(descriptor.path === undefined ? {} : { 'x-path': descriptor.path }),
    ...(descriptor.port === 0 ? {} : { 'x-port': descriptor.port }),
    'x-close-codes': closeCodeCatalogue(descriptor, settings, appWide),
  };
  return { channel, operations };
}

/** `{ event, data }`, `data` typed by the `@MessageBody()` parameter. */
function receivedPayload(event: string, descriptor: GatewayDescriptor, handler: MessageHandlerRef, schemas: SchemaConversion): JsonSchema {
  const body = messageBodyParam(descriptor.gateway, handler.methodName);
  if (!body) return envelope(event, undefined, false);
  const declared = schemas.schemaOf(body.type);
  const data = body.property === undefined ? declared : { type: 'object', properties: { [body.property]: declared } };
  return envelope(event, data, Object.keys(declared).length > 0);
}

/** `@WsSends` on the handler, else a DTO class as its declared return type. */
function replyMessages(event: string, descriptor: GatewayDescriptor, handler: MessageHandlerRef, schemas: SchemaConversion): AsyncApiMessage[] {
  const declared = declaredSends(handler.method);
  if (declared.length > 0) return declared.map(spec => sentMessage(spec, `Reply to ${event}`, schemas));
  const returned = declaredReturnType(descriptor.gateway, handler.methodName);
  const schema = schemas.schemaOf(returned);
  if (typeof returned !== 'function' || schema.type !== 'object') return [];
  return [{ name: `${event}.reply`, title: `Reply to ${event}`, contentType: CONTENT_TYPE, payload: schema }];
}

function sentMessage(spec: WsSendsSpec, title: string, schemas: SchemaConversion): AsyncApiMessage {
  const data = spec.payload === undefined ? {} : schemas.schemaOf(spec.payload);
  const payload = spec.event === undefined ? data : envelope(spec.event, data, spec.payload !== undefined);
  return {
    name: spec.event ?? 'message',
    title,
    contentType: CONTENT_TYPE,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    payload,
  };
}

function genericReply(): AsyncApiMessage {
  return {
    name: GENERIC_REPLY,
    title: 'Handler reply',
    description:
      'What a handler returns, if anything, sent as JSON; by Nest\'s convention { "event": …, "data": … }. ' +
      'Declare it with @WsSends to document it exactly.',
    contentType: CONTENT_TYPE,
    // No `type`: a handler may return any JSON value; where it is an object, it is the envelope.
    payload: { properties: { event: { type: 'string' }, data: {} } },
  };
}

function envelope(event: string, data: JsonSchema | undefined, dataRequired: boolean): JsonSchema {
  return {
    type: 'object',
    required: dataRequired ? ['event', 'data'] : ['event'],
    properties: { event: { type: 'string', const: event }, data: data ?? {} },
  };
}

/** The handshake request: query and headers as the binding has them; cookies in the `Cookie` header and `x-cookies`. */
function wsBinding(descriptor: GatewayDescriptor, schemas: SchemaConversion): AsyncApiWsChannelBinding {
  const binding: AsyncApiWsChannelBinding = { method: 'GET', bindingVersion: '0.1.0' };
  const spec = descriptor.handshake;
  if (spec?.query) binding.query = schemas.dtoSchema(spec.query);
  const headers = spec?.headers ? schemas.dtoSchema(spec.headers) : undefined;
  if (spec?.cookies) {
    const cookies = schemas.dtoSchema(spec.cookies);
    binding['x-cookies'] = cookies;
    const names = Object.keys(cookies.properties as object);
    const required = (cookies.required as string[] | undefined) ?? [];
    const withCookie = headers ?? { type: 'object', properties: {} };
    (withCookie.properties as Record<string, JsonSchema>).cookie = {
      type: 'string',
      description: `Carries the cookies ${names.map(name => (required.includes(name) ? name : `${name} (optional)`)).join(', ')}; x-cookies has their schema.`,
    };
    if (required.length > 0) withCookie.required = [...((withCookie.required as string[] | undefined) ?? []), 'cookie'];
    binding.headers = withCookie;
  } else if (headers) {
    binding.headers = headers;
  }
  return binding;
}

function parameterOf(param: { name: string; optional: boolean; wildcard: boolean }, paramsSchema: JsonSchema | undefined): AsyncApiParameter {
  const schema = (paramsSchema?.properties as Record<string, JsonSchema> | undefined)?.[param.name];
  const notes = [
    param.optional ? 'An optional segment: the address may leave it out.' : undefined,
    param.wildcard ? 'A wildcard: it may span several segments.' : undefined,
    schema ? 'The value is validated against x-schema.' : 'A path parameter.',
  ].filter(note => note !== undefined);
  const parameter: AsyncApiParameter = { description: notes.join(' ') };
  const values = schema?.enum;
  if (Array.isArray(values) && values.every(value => typeof value === 'string')) parameter.enum = values as string[];
  if (schema) parameter['x-schema'] = schema;
  return parameter;
}

/** A key that is free in `taken` and safe in a JSON pointer and a component name. */
export function uniqueKey(wanted: string, taken: Record<string, unknown>): string {
  const base = wanted.replace(/[^\w.-]/g, '_') || '_';
  let key = base;
  for (let n = 2; Object.hasOwn(taken, key); n += 1) key = `${base}${n}`;
  return key;
}
