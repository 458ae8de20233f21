import type { ExceptionFilter, Type } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA } from '@nestjs/common/constants.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { guardFilterInstance, toCandidate, type CandidateFilter } from '../filters/filter-chain.js';
import { GATEWAY_FALLBACK_FILTER, GatewayFallbackFilter } from '../filters/gateway-fallback.filter.js';
import { resolveEnhancers, type EnhancerResolver } from './enhancer-resolver.js';

type FilterRef = Type<ExceptionFilter> | ExceptionFilter;

/**
 * The filters Nest would apply to `method` of the gateway, most preferred first:
 * the method's `@UseFilters` (last listed first), then the class's. Our own fallback
 * filter is left out: the caller adds the module's filters and the default after these.
 */
export function gatewayFilters(descriptor: GatewayDescriptor, method: Function | undefined, resolve: EnhancerResolver): CandidateFilter[] {
  const classRefs = (Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, descriptor.gateway) as FilterRef[] | undefined) ?? [];
  const methodRefs = method ? ((Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, method) as FilterRef[] | undefined) ?? []) : [];
  const refs = [...classRefs, ...methodRefs].reverse().filter(ref => ref !== GATEWAY_FALLBACK_FILTER);
  return resolveEnhancers(refs, resolve, 'catch').map(toCandidate);
}

/**
 * Readies a gateway's filters for the message phase, where Nest runs them itself:
 * our fallback goes last in the class's list (so that the module's filters apply after
 * the gateway's own), and each filter instance is made safe against throws and rejections.
 * The fallback holds no state, so adding it to the class once serves every app.
 */
export function prepareMessageFilters(descriptor: GatewayDescriptor, resolve: EnhancerResolver): void {
  const gateway = descriptor.gateway;
  const classRefs = (Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, gateway) as FilterRef[] | undefined) ?? [];
  if (!classRefs.some(ref => ref instanceof GatewayFallbackFilter)) {
    Reflect.defineMetadata(EXCEPTION_FILTERS_METADATA, [GATEWAY_FALLBACK_FILTER, ...classRefs], gateway);
  }
  const methods = [...descriptor.handlers.values()].map(ref => ref.method);
  for (const method of [undefined, ...methods]) {
    for (const { filter } of gatewayFilters(descriptor, method, resolve)) guardFilterInstance(filter);
  }
}
