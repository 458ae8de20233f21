import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { lastValueFrom, isObservable } from 'rxjs';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { validateDto, type DtoValidationOptions } from '../handshake/dto.validator.js';
import type { HandshakeData, HandshakeSource, RawHandshake } from '../handshake/handshake-data.interface.js';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';
import { WebSocketException } from '../exceptions/websocket.exception.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import { FORBIDDEN_REASON } from '../exceptions/messages.constant.js';
import { WsStatus } from '../close-frame/ws-status.js';
import type { EnhancerResolver } from './gateway-filters.js';

const SOURCES = [
  ['params', 'path'],
  ['query', 'query'],
  ['headers', 'header'],
  ['cookies', 'cookie'],
] as const satisfies readonly (readonly [keyof RawHandshake, HandshakeSource])[];

/** The gateway's class-level guards, as instances. */
export function handshakeGuards(descriptor: GatewayDescriptor, resolve: EnhancerResolver): CanActivate[] {
  const refs = (Reflect.getMetadata(GUARDS_METADATA, descriptor.gateway) as (Type<CanActivate> | CanActivate)[] | undefined) ?? [];
  return refs
    .map(ref => (typeof ref === 'function' ? (resolve(ref) as CanActivate | undefined) : ref))
    .filter((guard): guard is CanActivate => !!guard && typeof guard.canActivate === 'function');
}

/** Runs guards in order, as Nest does; one that answers false refuses with 1008 `Forbidden`. */
export async function runGuards(guards: readonly CanActivate[], context: ExecutionContext): Promise<void> {
  for (const guard of guards) {
    let allowed = guard.canActivate(context);
    if (isObservable(allowed)) allowed = await lastValueFrom(allowed);
    else allowed = await allowed;
    if (!allowed) throw new WebSocketException(WsStatus.WS_1008_POLICY_VIOLATION, FORBIDDEN_REASON);
  }
}

/** What a source with no DTO exposes: one value per query key unless the key was repeated. */
export function rawView(raw: RawHandshake): Pick<HandshakeData, 'params' | 'query' | 'headers' | 'cookies'> {
  const query: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(raw.query)) {
    const values = raw.query[key]!;
    query[key] = values.length === 1 ? values[0] : values;
  }
  return { params: raw.params, query, headers: raw.headers as Record<string, unknown>, cookies: raw.cookies };
}

/**
 * Validates every source the gateway has a DTO for; all sources are checked, so the
 * client hears of every error at once, as FastAPI reports them.
 * @throws WebSocketRequestValidationError naming the gateway's handshake endpoint.
 */
export async function validateHandshake(
  descriptor: GatewayDescriptor,
  raw: RawHandshake,
  into: HandshakeData,
  options: DtoValidationOptions,
): Promise<void> {
  const spec = descriptor.handshake;
  if (!spec) return;
  const errors: WsValidationErrorItem[] = [];
  for (const [key, source] of SOURCES) {
    const dto = spec[key];
    if (!dto) continue;
    // Clients send headers and cookies the app never declared (browsers, proxies): strip, never refuse.
    const sourceOptions =
      key === 'headers' || key === 'cookies'
        ? { ...options, validatorOptions: { ...options.validatorOptions, forbidNonWhitelisted: false } }
        : options;
    const result = await validateDto(dto, raw[key] as Record<string, string | string[]>, [source], sourceOptions);
    if (result.errors.length > 0) errors.push(...result.errors);
    else (into as unknown as Record<string, unknown>)[key] = result.value;
  }
  if (errors.length > 0) {
    throw new WebSocketRequestValidationError(errors, descriptor.endpoint('handshake'));
  }
}
