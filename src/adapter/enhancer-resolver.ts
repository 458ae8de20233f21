import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { ENHANCER_NEEDS_PROVIDER } from '../exceptions/messages.constant.js';
import { findInstance } from '../nest/module-container.js';

/** A guard or filter as listed: a class or an instance. */
export type EnhancerRef<T> = Type<T> | T;

/**
 * The one policy by which a guard or filter class becomes an instance, wherever it is given
 * (`@UseGuards`, `@UseFilters`, `WsErrorsModule.forRoot({ filters })`, `forRootAsync`, the
 * adapter's options): the instance Nest made with DI (the gateway's module first, then any
 * module), else a new instance of a class that takes no arguments. A class that needs
 * arguments and that no module provides is a start-up error naming it, never a silent `new`.
 */
export class EnhancerResolver {
  constructor(private readonly modules: ModulesContainer | undefined) {}

  instance<T>(type: Type<T>, preferredModule?: string): T {
    const made = this.modules && findInstance(this.modules, type, preferredModule);
    if (made) return made;
    if (takesArguments(type)) throw new Error(ENHANCER_NEEDS_PROVIDER(type.name));
    return new type();
  }

  /** The refs as instances that have `method`, in the order listed; the rest is left out, as Nest leaves it out. */
  instances<T extends object>(refs: readonly EnhancerRef<T>[] | undefined, method: keyof T, preferredModule?: string): T[] {
    return (refs ?? [])
      .map(ref => (typeof ref === 'function' ? this.instance(ref as Type<T>, preferredModule) : ref))
      .filter((enhancer): enhancer is T => !!enhancer && typeof enhancer[method] === 'function');
  }
}

function takesArguments(type: Type): boolean {
  const declared = Reflect.getMetadata('design:paramtypes', type) as unknown[] | undefined;
  return (declared?.length ?? type.length) > 0;
}
