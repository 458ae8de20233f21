import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import type { DiscoveredGateway } from './gateway-discovery.js';

/** An enhancer class (a guard, a filter) → its instance. */
export type EnhancerResolver = (type: Type) => unknown;

/**
 * Enhancer classes resolve to the instance Nest made for the gateway's module, else to one
 * any module holds (never `app.get()`: a miss there exits the process under `abortOnError`),
 * else to a new instance, as Nest does for an enhancer with no dependencies.
 */
export function enhancerResolver(found: DiscoveredGateway, modules: ModulesContainer): EnhancerResolver {
  return (type: Type) => {
    const own = found.injectables.get(type)?.instance;
    if (own) return own;
    for (const moduleRef of modules.values()) {
      const instance = moduleRef.injectables.get(type)?.instance ?? moduleRef.providers.get(type)?.instance;
      if (instance) return instance;
    }
    return new type();
  };
}

/**
 * What `@UseGuards`/`@UseFilters` metadata lists (classes or instances), as instances that
 * have `method`, in the order listed; the rest is left out, as Nest leaves it out.
 */
export function resolveEnhancers<T extends object>(
  refs: readonly (Type<T> | T)[] | undefined,
  resolve: EnhancerResolver,
  method: keyof T,
): T[] {
  return (refs ?? [])
    .map(ref => (typeof ref === 'function' ? (resolve(ref as Type) as T | undefined) : ref))
    .filter((enhancer): enhancer is T => !!enhancer && typeof enhancer[method] === 'function');
}
