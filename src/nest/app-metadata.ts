/**
 * Every read of Nest's own metadata the AsyncAPI document needs (beside the adapter's in this folder), as Nest
 * keeps it in version 12:
 * - `@MessageBody()`: packages/websockets/utils/param.utils.ts (`createPipesWsParamDecorator`)
 *   stores `{ index, data, pipes }` under `PARAM_ARGS_METADATA` on the class, keyed
 *   `${WsParamtype.PAYLOAD}:${index}` (packages/common/utils/assign-custom-metadata.util.ts).
 * - `@UseGuards()`/`@UseFilters()`/`@UsePipes()`: packages/common/decorators/core/*.decorator.ts
 *   (`GUARDS_METADATA`, `EXCEPTION_FILTERS_METADATA`, `PIPES_METADATA` on class or method).
 * - the WebSocket adapter in use and the global pipes and guards (which Nest's `WsContextCreator` runs
 *   for messages, packages/websockets/socket-module.ts): packages/core/application-config.ts
 *   (`getIoAdapter()`, `getGlobalPipes()`, `getGlobalGuards()`), which every module provides as
 *   `ApplicationConfig` (packages/core/injector/module.ts).
 * If Nest moves one of these, this file is the one to change.
 */
import type { INestApplicationContext, Type, WebSocketAdapter } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { filterRefs, guardRefs } from './gateway-enhancer-metadata.js';
import { PARAM_ARGS_METADATA, PIPES_METADATA, WS_PAYLOAD_PARAM_TYPE } from './nest-metadata.js';

/** What a handler's `@MessageBody()` parameter declares. */
export interface MessageBodyParam {
  /** The parameter's declared type (`design:paramtypes`), `undefined` where TypeScript emitted none. */
  type: unknown;
  /** `@MessageBody('name')`: the handler receives `data.name`. */
  property?: string;
  /** Pipes given to `@MessageBody(...)` itself (classes or instances). */
  pipes: readonly unknown[];
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/** The `@MessageBody()` parameter of a handler, or `undefined` when it has none. */
export function messageBodyParam(gateway: Type, methodName: string): MessageBodyParam | undefined {
  const args = Reflect.getMetadata(PARAM_ARGS_METADATA, gateway, methodName) as Record<string, RouteArg> | undefined;
  if (!args) return undefined;
  const entry = Object.entries(args).find(([key]) => key.split(':')[0] === String(WS_PAYLOAD_PARAM_TYPE));
  if (!entry) return undefined;
  const { index, data, pipes = [] } = entry[1];
  const paramTypes = Reflect.getMetadata('design:paramtypes', gateway.prototype, methodName) as unknown[] | undefined;
  return {
    type: paramTypes?.[index],
    ...(typeof data === 'string' ? { property: data } : {}),
    pipes,
  };
}

/** The return type TypeScript recorded for a method (`design:returntype`), where it was declared. */
export function declaredReturnType(gateway: Type, methodName: string): unknown {
  return Reflect.getMetadata('design:returntype', gateway.prototype, methodName);
}

/** Pipes of `@UsePipes()` on the gateway class and on the handler. */
export function usedPipes(gateway: Type, method: Function): unknown[] {
  return [...metadataList(PIPES_METADATA, gateway), ...metadataList(PIPES_METADATA, method)];
}

/** Guards of `@UseGuards()` on the gateway class and on the handler. */
export function usedGuards(gateway: Type, method?: Function): unknown[] {
  return [...guardRefs(gateway), ...guardRefs(method)];
}

/** Filters of `@UseFilters()` on the gateway class and on the handler. */
export function usedFilters(gateway: Type, method?: Function): unknown[] {
  return [...filterRefs(gateway), ...filterRefs(method)];
}

/** The token under which every module provides Nest's `ApplicationConfig`. */
export const APPLICATION_CONFIG = ApplicationConfig;

/** What the app applies to every gateway: its WebSocket adapter, and the global pipes and guards Nest runs for messages. */
export interface AppWideEnhancers {
  /** The adapter given with `useWebSocketAdapter()`, if any. */
  adapter: WebSocketAdapter | undefined;
  /** `useGlobalPipes()`, and `APP_PIPE` providers once the app is initialised. */
  pipes: readonly unknown[];
  /** `useGlobalGuards()`, and `APP_GUARD` providers once the app is initialised. */
  guards: readonly unknown[];
}

export function appWideEnhancersOf(source: INestApplicationContext | ApplicationConfig): AppWideEnhancers {
  const config = source instanceof ApplicationConfig ? source : source.get(ApplicationConfig, { strict: false });
  return {
    adapter: config.getIoAdapter() ?? undefined,
    pipes: config.getGlobalPipes(),
    guards: config.getGlobalGuards(),
  };
}

function metadataList(key: string, target: object): unknown[] {
  return (Reflect.getMetadata(key, target) as unknown[] | undefined) ?? [];
}
