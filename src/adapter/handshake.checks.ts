import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { lastValueFrom, isObservable } from 'rxjs';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { validateDto, type DtoValidationOptions, type DtoValidationResult } from '../handshake/dto.validator.js';
import { validatesSynchronously } from '../handshake/sync-validation.js';
import type { HandshakeData, HandshakeSource, RawHandshake } from '../handshake/handshake-data.interface.js';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';
import { WebSocketException } from '../exceptions/websocket.exception.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import { FORBIDDEN_REASON } from '../exceptions/messages.constant.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { resolveEnhancers, type EnhancerResolver } from './enhancer-resolver.js';

const SOURCES = [
  ['params', 'path'],
  ['query', 'query'],
  ['headers', 'header'],
  ['cookies', 'cookie'],
] as const satisfies readonly (readonly [keyof RawHandshake, HandshakeSource])[];

/** The gateway's class-level guards, as instances. */
export function handshakeGuards(descriptor: GatewayDescriptor, resolve: EnhancerResolver): CanActivate[] {
  const refs = Reflect.getMetadata(GUARDS_METADATA, descriptor.gateway) as (Type<CanActivate> | CanActivate)[] | undefined;
  return resolveEnhancers(refs, resolve, 'canActivate');
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

/** Whether the gateway's handshake can be checked without a promise: no guards, no async constraint. */
export function checksSynchronously(descriptor: GatewayDescriptor, guards: readonly CanActivate[]): boolean {
  const spec = descriptor.handshake;
  return guards.length === 0 && (!spec || SOURCES.every(([key]) => !spec[key] || validatesSynchronously(spec[key]!)));
}

/**
 * Validates every source the gateway has a DTO for; all sources are checked, so the
 * client hears of every error at once, as FastAPI reports them. Synchronous when every DTO
 * validates synchronously; a promise otherwise.
 * @throws WebSocketRequestValidationError naming the gateway's handshake endpoint.
 */
export function validateHandshake(
  descriptor: GatewayDescriptor,
  raw: RawHandshake,
  into: HandshakeData,
  options: DtoValidationOptions,
): void | Promise<void> {
  const spec = descriptor.handshake;
  if (!spec) return;
  // One slot per source, so that errors come in source order whichever settles first.
  const found: WsValidationErrorItem[][] = [];
  const waiting: Promise<void>[] = [];
  SOURCES.forEach(([key, source], index) => {
    const dto = spec[key];
    if (!dto) return;
    const sourceOptions = key === 'headers' || key === 'cookies' ? lenient(options) : options;
    const take = (result: DtoValidationResult<object>) => {
      if (result.errors.length > 0) found[index] = result.errors;
      else (into as unknown as Record<string, unknown>)[key] = result.value;
    };
    const result = validateDto(dto, raw[key] as Record<string, string | string[]>, [source], sourceOptions);
    if (result instanceof Promise) waiting.push(result.then(take));
    else take(result);
  });
  const conclude = () => {
    const errors = found.flat();
    if (errors.length > 0) throw validationError(errors, descriptor);
  };
  if (waiting.length > 0) return Promise.all(waiting).then(conclude);
  conclude();
}

const lenientOptions = new WeakMap<DtoValidationOptions, DtoValidationOptions>();

/**
 * Clients send headers and cookies the app never declared (browsers, proxies): strip them,
 * never refuse. Derived once per options object, not per handshake.
 */
function lenient(options: DtoValidationOptions): DtoValidationOptions {
  let derived = lenientOptions.get(options);
  if (!derived) {
    derived = { ...options, validatorOptions: { ...options.validatorOptions, forbidNonWhitelisted: false } };
    lenientOptions.set(options, derived);
  }
  return derived;
}

/** A refusal is expected control flow: its stack trace would cost more than the check and say nothing. */
function validationError(errors: WsValidationErrorItem[], descriptor: GatewayDescriptor): WebSocketRequestValidationError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new WebSocketRequestValidationError(errors, descriptor.endpoint('handshake'));
  } finally {
    Error.stackTraceLimit = limit;
  }
}
