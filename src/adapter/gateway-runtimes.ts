import type { CanActivate } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { EndpointPhase } from '../context/endpoint-context.interface.js';
import { attachEndpointContext } from '../context/endpoint-context.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { runFilterSafely, selectFilter, toCandidate, type CandidateFilter } from '../filters/filter-chain.js';
import { WebSocketExceptionFilter } from '../filters/websocket-exception.filter.js';
import type { AdapterSettings } from './adapter-settings.js';
import { discoverGateways } from './gateway-discovery.js';
import { enhancerResolver } from './enhancer-resolver.js';
import { gatewayFilters, prepareMessageFilters } from './gateway-filters.js';
import { checksSynchronously, handshakeGuards } from './handshake.checks.js';
import { wrapLifecycleHooks } from './lifecycle-hooks.js';

/** What a gateway needs at the handshake and in its lifecycle hooks, prepared once when the app binds. */
interface GatewayRuntime {
  /** `handleConnection`'s filters, the gateway's, the module's, then the default. */
  connectionFilters: CandidateFilter[];
  disconnectFilters: CandidateFilter[];
  guards: CanActivate[];
  /** No guards and no async constraint: the handshake is checked within the upgrade's tick. */
  synchronous: boolean;
}

export const DEFAULT_FILTER = toCandidate(new WebSocketExceptionFilter());

/**
 * The app's gateways, readied once: their message filters (so the module's apply after
 * theirs), their handshake guards and filter chains, and their lifecycle hooks wrapped so
 * that nothing they throw ends the process. Routes errors of the phases the library runs
 * itself (handshake, connection, disconnect) through the same filters Nest would choose.
 */
export class GatewayRuntimes {
  readonly descriptors: readonly GatewayDescriptor[];
  readonly #runtimes = new Map<GatewayDescriptor, GatewayRuntime>();

  constructor(modules: ModulesContainer | undefined, settings: AdapterSettings) {
    const discovered = modules ? discoverGateways(modules) : [];
    this.descriptors = discovered.map(found => found.descriptor);
    const tail = [...settings.globalFilters, DEFAULT_FILTER];
    for (const found of discovered) {
      const { descriptor } = found;
      const resolve = enhancerResolver(found, modules!);
      prepareMessageFilters(descriptor, resolve);
      const guards = handshakeGuards(descriptor, resolve);
      const prototype = descriptor.gateway.prototype;
      this.#runtimes.set(descriptor, {
        connectionFilters: [...gatewayFilters(descriptor, prototype.handleConnection, resolve), ...tail],
        disconnectFilters: [...gatewayFilters(descriptor, prototype.handleDisconnect, resolve), ...tail],
        guards,
        synchronous: checksSynchronously(descriptor, guards),
      });
      wrapLifecycleHooks(descriptor, (error, args) => this.handleError(descriptor, 'disconnect', error, args));
    }
  }

  guards(descriptor: GatewayDescriptor): readonly CanActivate[] {
    return this.#runtimes.get(descriptor)?.guards ?? [];
  }

  /** Whether every gateway of a route checks its handshake without a promise. */
  synchronous(gateways: readonly GatewayDescriptor[]): boolean {
    return gateways.every(descriptor => this.#runtimes.get(descriptor)?.synchronous ?? true);
  }

  /**
   * Runs the filter Nest would choose for the gateway's `handleConnection` (or
   * `handleDisconnect`), else the module's, else the default; a promise when that filter is async.
   */
  handleError(descriptor: GatewayDescriptor, phase: EndpointPhase, error: unknown, args: unknown[]): Promise<void> | undefined {
    const runtime = this.#runtimes.get(descriptor);
    const candidates = (phase === 'disconnect' ? runtime?.disconnectFilters : runtime?.connectionFilters) ?? [DEFAULT_FILTER];
    const chosen = selectFilter(candidates, error) ?? DEFAULT_FILTER;
    // The host names the endpoint; runFilterSafely hands it to a validation error that lacks one.
    return runFilterSafely(chosen.filter, error, this.host(descriptor, phase, args));
  }

  /** A `ws` execution context naming the gateway, the method and the endpoint. */
  host(descriptor: GatewayDescriptor, phase: EndpointPhase, args: unknown[]): ExecutionContextHost {
    const context = descriptor.endpoint(phase);
    const host = new ExecutionContextHost(args, descriptor.gateway, context.handler as never);
    host.setType('ws');
    return attachEndpointContext(host, context);
  }
}
