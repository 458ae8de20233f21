import type { ExceptionFilter } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import type { ClientSettingsView } from '../context/client-state.js';
import { toCandidate } from '../filters/filter-chain.js';
import { compileTrustProxy, type TrustProxyPredicate } from '../handshake/client-address.js';
import type { AllowedOrigins, WsErrorsOptions } from '../interfaces/ws-errors-options.interface.js';
import { findInstance } from '../nest/module-container.js';
import type { DtoValidationOptions } from '../validation/dto.validator.js';
import { heartbeatSetting, limitSetting, shutdownCloseCodeSetting, type LifecycleSettings } from '../lifecycle/lifecycle-options.js';
import { WsErrorsRegistry } from '../ws-errors.registry.js';
import { EnhancerResolver } from './enhancer-resolver.js';

/** Every option with its default applied; what the adapter runs on. */
export interface AdapterSettings extends ClientSettingsView, LifecycleSettings {
  readonly handshakeRejection: 'close' | 'http';
  readonly validation: DtoValidationOptions;
  readonly handshakeTimeout: number;
  readonly closeTimeout: number;
  readonly maxPayload: number;
  readonly maxPendingMessages: number;
  readonly maxPendingBytes: number;
  readonly allowedOrigins: AllowedOrigins | undefined;
  readonly invalidMessage: 'ignore' | 'close';
  readonly unknownEvent: 'ignore' | 'close';
  /** `trustProxy` compiled; `undefined` when no proxy is trusted. */
  readonly trustProxy: TrustProxyPredicate | undefined;
}

export const DEFAULTS = {
  handshakeTimeout: 10_000,
  closeTimeout: 5_000,
  maxPayload: 1024 * 1024,
  maxPendingMessages: 32,
  maxPendingBytes: 64 * 1024,
  /**
   * 30 s is under the idle cut of common proxies and load balancers (nginx `proxy_read_timeout`
   * and AWS ALB: 60 s), so the pings also keep them from dropping quiet connections; socket.io
   * (25 s) and SignalR (15 s) ping as often. 10 s to answer covers a busy or mobile client, so
   * a dead peer is gone within 40 s.
   */
  heartbeat: { interval: 30_000, timeout: 10_000 },
  /**
   * Counts only what the kernel's socket buffers (megabytes already) could not take: a reader
   * that keeps up never comes near it, and 4 × the default `maxPayload` leaves room for a burst
   * of large replies, while a stalled reader costs at most this much memory.
   */
  maxBufferedBytes: 4 * 1024 * 1024,
} as const;

/** The module's options (when `WsErrorsModule` is imported), overridden by the adapter's own. */
export function resolveSettings(
  modules: ModulesContainer | undefined,
  own: WsErrorsOptions,
  resolver = new EnhancerResolver(modules),
): AdapterSettings {
  const registry = modules && findInstance(modules, WsErrorsRegistry);
  const options: WsErrorsOptions = { ...registry?.options, ...definedOnly(own) };
  const filterRefs = [...(registry?.filterRefs ?? []), ...(own.filters ?? [])];
  const globalFilters = resolver.instances<ExceptionFilter>(filterRefs, 'catch').reverse().map(toCandidate);
  return {
    reason: options.reason,
    logErrors: options.logErrors ?? true,
    globalFilters,
    handshakeRejection: options.handshakeRejection ?? 'close',
    validation: { validatorOptions: options.validatorOptions, transformOptions: options.transformOptions },
    handshakeTimeout: options.handshakeTimeout ?? DEFAULTS.handshakeTimeout,
    closeTimeout: options.closeTimeout ?? DEFAULTS.closeTimeout,
    maxPayload: options.maxPayload ?? DEFAULTS.maxPayload,
    maxPendingMessages: options.maxPendingMessages ?? DEFAULTS.maxPendingMessages,
    maxPendingBytes: options.maxPendingBytes ?? DEFAULTS.maxPendingBytes,
    allowedOrigins: options.allowedOrigins,
    invalidMessage: options.invalidMessage ?? 'ignore',
    unknownEvent: options.unknownEvent ?? 'ignore',
    heartbeat: heartbeatSetting(options.heartbeat, DEFAULTS.heartbeat),
    idleTimeout: limitSetting('idleTimeout', options.idleTimeout, 0, 0),
    maxBufferedBytes: limitSetting('maxBufferedBytes', options.maxBufferedBytes, DEFAULTS.maxBufferedBytes, Infinity),
    shutdownCloseCode: shutdownCloseCodeSetting(options.shutdownCloseCode),
    trustProxy: compileTrustProxy(options.trustProxy),
  };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
