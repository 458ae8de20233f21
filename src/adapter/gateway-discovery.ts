import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { GatewayDescriptor, type MessageHandlerRef } from '../context/gateway-descriptor.js';
import type { WsHandshakeMetadata } from '../decorators/ws-handshake.decorator.js';
import { gatewayProviders } from '../nest/module-container.js';
import { GATEWAY_OPTIONS, MESSAGE_MAPPING_METADATA, MESSAGE_METADATA, PORT_METADATA } from '../nest/nest-metadata.js';
import { WS_HANDSHAKE_METADATA } from '../ws-errors.constants.js';

/** Every static gateway of the app, described once from its metadata. */
export function discoverGateways(modules: ModulesContainer): GatewayDescriptor[] {
  return gatewayProviders(modules).map(({ gateway, instance, moduleKey }) => {
    const options = (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) ?? {}) as { path?: string };
    const port = (Reflect.getMetadata(PORT_METADATA, gateway) as number | undefined) ?? 0;
    return new GatewayDescriptor(
      gateway,
      instance,
      port,
      gatewayPattern(port, options.path),
      Reflect.getMetadata(WS_HANDSHAKE_METADATA, gateway) as WsHandshakeMetadata | undefined,
      messageHandlers(gateway),
      moduleKey,
    );
  });
}

/**
 * As the stock adapter: on the app's server a gateway without `path` serves `/`;
 * on a port of its own it serves every path.
 */
export function gatewayPattern(port: number, path: string | undefined): string | undefined {
  if (path === undefined || path === '') return port === 0 ? '/' : undefined;
  return `/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

function messageHandlers(gateway: Type): Map<string, MessageHandlerRef> {
  const handlers = new Map<string, MessageHandlerRef>();
  for (let proto = gateway.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const methodName of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, methodName);
      const method = descriptor?.value as Function | undefined;
      if (typeof method !== 'function' || Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method) === undefined) continue;
      const pattern = Reflect.getMetadata(MESSAGE_METADATA, method) as string;
      if (!handlers.has(pattern)) handlers.set(pattern, { methodName, method });
    }
  }
  return handlers;
}
