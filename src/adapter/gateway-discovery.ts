import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import {
  GATEWAY_METADATA,
  GATEWAY_OPTIONS,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
  PORT_METADATA,
} from '@nestjs/websockets/constants.js';
import { GatewayDescriptor, type MessageHandlerRef } from '../context/gateway-descriptor.js';
import type { WsHandshakeMetadata } from '../decorators/ws-handshake.decorator.js';
import { WS_HANDSHAKE_METADATA } from '../ws-errors.constants.js';

/** A gateway found in the app, with the module that declares it. */
export interface DiscoveredGateway {
  descriptor: GatewayDescriptor;
  /** The module's injectables, where Nest keeps the instances of `@UseFilters`/`@UseGuards` classes. */
  injectables: Map<unknown, { instance?: unknown }>;
}

/** Every static gateway instance of the app, read once from Nest's module container. */
export function discoverGateways(modules: ModulesContainer): DiscoveredGateway[] {
  const found: DiscoveredGateway[] = [];
  for (const [moduleKey, moduleRef] of modules) {
    for (const wrapper of moduleRef.providers.values()) {
      const { metatype, instance } = wrapper;
      if (!metatype || !instance || wrapper.isNotMetatype || typeof metatype !== 'function') continue;
      if (!Reflect.hasMetadata(GATEWAY_METADATA, metatype)) continue;
      const gateway = metatype as Type;
      const options = (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) ?? {}) as { path?: string };
      const port = (Reflect.getMetadata(PORT_METADATA, gateway) as number | undefined) ?? 0;
      const descriptor = new GatewayDescriptor(
        gateway,
        instance as Record<string, unknown>,
        port,
        gatewayPattern(port, options.path),
        Reflect.getMetadata(WS_HANDSHAKE_METADATA, gateway) as WsHandshakeMetadata | undefined,
        messageHandlers(gateway),
        moduleKey,
      );
      found.push({ descriptor, injectables: moduleRef.injectables as Map<unknown, { instance?: unknown }> });
    }
  }
  return found;
}

/**
 * As the stock adapter: on the app's server a gateway without `path` serves `/`;
 * on a port of its own it serves every path.
 */
export function gatewayPattern(port: number, path: string | undefined): string | undefined {
  if (path === undefined || path === '') return port === 0 ? '/' : undefined;
  const normalised = `/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return normalised;
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
