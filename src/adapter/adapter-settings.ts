import type { ExceptionFilter } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import type { ClientSettingsView } from '../context/client-state.js';
import { toCandidate } from '../filters/filter-chain.js';
import type { AllowedOrigins, WsErrorsOptions } from '../interfaces/ws-errors-options.interface.js';
import { findInstance } from '../nest/module-container.js';
import type { DtoValidationOptions } from '../validation/dto.validator.js';
import { WsErrorsRegistry } from '../ws-errors.registry.js';
import type { EnhancerResolver } from './enhancer-resolver.js';

/** Every option with its default applied; what the adapter runs on. */
export interface AdapterSettings extends ClientSettingsView {
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
}

export const DEFAULTS = {
  handshakeTimeout: 10_000,
  closeTimeout: 5_000,
  maxPayload: 1024 * 1024,
  maxPendingMessages: 32,
  maxPendingBytes: 64 * 1024,
} as const;

/** The module's options (when `WsErrorsModule` is imported), overridden by the adapter's own. */
export function resolveSettings(modules: ModulesContainer | undefined, own: WsErrorsOptions, resolver: EnhancerResolver): AdapterSettings {
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
  };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
