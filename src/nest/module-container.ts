import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA } from './nest-metadata.js';

/**
 * Every read of Nest's module container, in one file. Assumptions (packages/core/injector/
 * container.ts, module.ts, instance-wrapper.ts): `ModulesContainer` maps a module key to a
 * `Module` whose `providers` and `injectables` map a token to an `InstanceWrapper` with
 * `metatype`, `instance` and `isNotMetatype` (true for value and factory providers); static
 * instances exist before the adapter's `create()` runs; the instances of `@UseGuards` and
 * `@UseFilters` classes live in the `injectables` of the module that declares the gateway.
 * Contract: test/nest/nest-assumptions.contract.spec.ts.
 */
interface Wrapper {
  metatype?: unknown;
  instance?: unknown;
  isNotMetatype?: boolean;
}

interface ModuleLike {
  providers: Map<unknown, Wrapper>;
  injectables: Map<unknown, Wrapper>;
}

/** A gateway class the app provides, with its static instance and the module that declares it. */
export interface GatewayProvider {
  gateway: Type;
  instance: Record<string, unknown>;
  moduleKey: string;
}

/** Every static gateway instance of the app, in module order. */
export function gatewayProviders(modules: ModulesContainer): GatewayProvider[] {
  const found: GatewayProvider[] = [];
  for (const [moduleKey, moduleRef] of modules as unknown as Map<string, ModuleLike>) {
    for (const { metatype, instance, isNotMetatype } of moduleRef.providers.values()) {
      if (typeof metatype !== 'function' || !instance || isNotMetatype) continue;
      if (!Reflect.hasMetadata(GATEWAY_METADATA, metatype)) continue;
      found.push({ gateway: metatype as Type, instance: instance as Record<string, unknown>, moduleKey });
    }
  }
  return found;
}

/**
 * The instance Nest made of `type`: in the preferred module's injectables first (where a
 * gateway's `@UseFilters`/`@UseGuards` classes are), then in any module's injectables or
 * providers. `undefined` when no module has one.
 */
export function findInstance<T>(modules: ModulesContainer, type: Type<T> | string | symbol, preferredModule?: string): T | undefined {
  const all = modules as unknown as Map<string, ModuleLike>;
  const preferred = preferredModule === undefined ? undefined : all.get(preferredModule)?.injectables.get(type)?.instance;
  if (preferred) return preferred as T;
  for (const moduleRef of all.values()) {
    const instance = moduleRef.injectables.get(type)?.instance ?? moduleRef.providers.get(type)?.instance;
    if (instance) return instance as T;
  }
  return undefined;
}
