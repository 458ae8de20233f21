import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { guardFilterInstance, toCandidate, type CandidateFilter } from '../filters/filter-chain.js';
import { GATEWAY_FALLBACK_FILTER } from '../filters/gateway-fallback.filter.js';
import { addLeastPreferredClassFilter, filterRefs } from '../nest/gateway-enhancer-metadata.js';
import type { EnhancerResolver } from './enhancer-resolver.js';

/**
 * The filters Nest would apply to `method` of the gateway, most preferred first:
 * the method's `@UseFilters` (last listed first), then the class's. Our own fallback
 * filter is left out: the caller adds the module's filters and the default after these.
 */
export function gatewayFilters(descriptor: GatewayDescriptor, method: Function | undefined, resolver: EnhancerResolver): CandidateFilter[] {
  const refs = [...filterRefs(descriptor.gateway), ...filterRefs(method)].reverse().filter(ref => ref !== GATEWAY_FALLBACK_FILTER);
  return resolver.instances(refs, 'catch', descriptor.moduleKey).map(toCandidate);
}

/**
 * Readies a gateway's filters for the message phase, where Nest runs them itself: our
 * fallback becomes the least preferred (so that the module's filters apply after the
 * gateway's own), and each filter instance is made safe against throws and rejections.
 * The fallback holds no state, so adding it to the class once serves every app.
 */
export function prepareMessageFilters(descriptor: GatewayDescriptor, resolver: EnhancerResolver): void {
  addLeastPreferredClassFilter(descriptor.gateway, GATEWAY_FALLBACK_FILTER);
  const methods = [...descriptor.handlers.values()].map(ref => ref.method);
  for (const method of [undefined, ...methods]) {
    for (const { filter } of gatewayFilters(descriptor, method, resolver)) guardFilterInstance(filter);
  }
}
