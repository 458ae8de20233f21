import type { CanActivate } from '@nestjs/common';
import type { ExecutionContextHost } from '@nestjs/core/internal';
import type { EndpointPhase } from '../context/endpoint-context.interface.js';
import { attachEndpointContext } from '../context/endpoint-context.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { runFilterSafely, selectFilter, toCandidate, type CandidateFilter } from '../filters/filter-chain.js';
import { WebSocketExceptionFilter } from '../filters/websocket-exception.filter.js';
import { wrapGatewayHooks } from '../admission/connection-hook.js';
import { handshakeGuards } from '../admission/handshake-guards.js';
import { createWsHost } from '../nest/ws-host.js';
import type { AdapterSettings } from './adapter-settings.js';
import type { EnhancerResolver } from './enhancer-resolver.js';
import { gatewayFilters, prepareMessageFilters } from './gateway-filters.js';

/** What a gateway needs at the handshake and in its lifecycle hooks, prepared once when the app binds. */
interface GatewayRuntime {
  /** `handleConnection`'s filters, the gateway's, the module's, then the default. */
  connectionFilters: CandidateFilter[];
  disconnectFilters: CandidateFilter[];
  /** Class guards that run at the handshake (a gateway with `@WsHandshake` only). */
  guards: CanActivate[];
}

export const DEFAULT_FILTER = toCandidate(new WebSocketExceptionFilter());

/**
 * The app's gateways, readied once: their message filters (so the module's apply after
 * theirs), their handshake guards and filter chains, and their lifecycle hooks wrapped so
 * that nothing they throw ends the process. Routes errors of the phases the library runs
 * itself (handshake, connection, disconnect) through the same filters Nest would choose.
 */
export class GatewayRuntimes {
  readonly #runtimes = new Map<GatewayDescriptor, GatewayRuntime>();

  constructor(
    readonly descriptors: readonly GatewayDescriptor[],
    resolver: EnhancerResolver,
    settings: AdapterSettings,
  ) {
    const tail = [...settings.globalFilters, DEFAULT_FILTER];
    for (const descriptor of descriptors) {
      prepareMessageFilters(descriptor, resolver);
      const prototype = descriptor.gateway.prototype;
      this.#runtimes.set(descriptor, {
        connectionFilters: [...gatewayFilters(descriptor, prototype.handleConnection, resolver), ...tail],
        disconnectFilters: [...gatewayFilters(descriptor, prototype.handleDisconnect, resolver), ...tail],
        guards: handshakeGuards(descriptor, resolver),
      });
      wrapGatewayHooks(descriptor, (error, args) => this.handleError(descriptor, 'disconnect', error, args));
    }
  }

  guards(descriptor: GatewayDescriptor): readonly CanActivate[] {
    return this.#runtimes.get(descriptor)?.guards ?? [];
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
    return attachEndpointContext(createWsHost(args, descriptor.gateway, context.handler), context);
  }
}
