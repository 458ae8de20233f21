import type { CanActivate, ExceptionFilter, Type } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, FILTER_CATCH_EXCEPTIONS, GUARDS_METADATA } from './nest-metadata.js';

type Ref<T> = Type<T> | T;

/** `@UseGuards` of a gateway class or of one of its methods, as listed. */
export function guardRefs(target: Type | Function | undefined): readonly Ref<CanActivate>[] {
  if (!target) return [];
  return (Reflect.getMetadata(GUARDS_METADATA, target) as Ref<CanActivate>[] | undefined) ?? [];
}

/** `@UseFilters` of a gateway class or of one of its methods, as listed. */
export function filterRefs(target: Type | Function | undefined): readonly Ref<ExceptionFilter>[] {
  if (!target) return [];
  return (Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, target) as Ref<ExceptionFilter>[] | undefined) ?? [];
}

/** The exception types a filter's `@Catch()` names; none means every exception. */
export function caughtTypes(filter: object): readonly Type[] {
  return (Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, filter.constructor) as Type[] | undefined) ?? [];
}

/**
 * Makes `filter` the gateway's least preferred class filter, once. Assumptions (packages/
 * websockets/context/exception-filters-context.ts, packages/core/exceptions/base-exception-
 * filter-context.ts): Nest reads the class's `@UseFilters` metadata when it creates each
 * handler's context at init, which is after `useWebSocketAdapter()`; it tries the filters in
 * reverse order of listing, so the first listed is tried last; and it binds `catch` of each
 * instance then, so a filter instance made safe before init stays safe.
 */
export function addLeastPreferredClassFilter(gateway: Type, filter: ExceptionFilter): void {
  const listed = filterRefs(gateway);
  if (listed.includes(filter)) return;
  Reflect.defineMetadata(EXCEPTION_FILTERS_METADATA, [filter, ...listed], gateway);
}
