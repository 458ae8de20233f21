import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import type { HandshakeSource, RawHandshake } from '../handshake/handshake-data.interface.js';
import { handshakeSentValues } from '../handshake/value.coercion.js';
import { validateDto, type DtoValidationOptions, type DtoValidationResult } from '../validation/dto.validator.js';
import { validatesSynchronously } from '../validation/sync-validation.js';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';
import type { MaybePromise } from '../utils/maybe-async.util.js';
import { withoutStackTrace } from '../utils/error-detail.util.js';

const SOURCES = [
  ['params', 'path'],
  ['query', 'query'],
  ['headers', 'header'],
  ['cookies', 'cookie'],
] as const satisfies readonly (readonly [keyof RawHandshake, HandshakeSource])[];

type Validated = Partial<Record<keyof RawHandshake, object>>;

/** Whether every DTO of the gateway validates without a promise (no async constraint). */
export function dtosValidateSynchronously(descriptor: GatewayDescriptor): boolean {
  const spec = descriptor.handshake;
  return !spec || SOURCES.every(([key]) => !spec[key] || validatesSynchronously(spec[key]!));
}

/**
 * Validates every source the gateway has a DTO for and returns their instances; all sources
 * are checked, so the client hears of every error at once, as FastAPI reports them.
 * Synchronous when every DTO validates synchronously; a promise otherwise.
 * @throws WebSocketRequestValidationError naming the gateway's handshake endpoint.
 */
export function validateHandshakeDtos(
  descriptor: GatewayDescriptor,
  raw: RawHandshake,
  options: DtoValidationOptions,
): MaybePromise<Validated> {
  const spec = descriptor.handshake;
  const validated: Validated = {};
  if (!spec) return validated;
  // One slot per source, so that errors come in source order whichever settles first.
  const found: WsValidationErrorItem[][] = [];
  const waiting: Promise<void>[] = [];
  SOURCES.forEach(([key, source], index) => {
    const dto = spec[key];
    if (!dto) return;
    const take = (result: DtoValidationResult<object>) => {
      if (result.errors.length > 0) found[index] = result.errors;
      else validated[key] = result.value;
    };
    const sourceOptions = key === 'headers' || key === 'cookies' ? lenient(options) : options;
    const result = validateDto(dto, handshakeSentValues(dto, raw[key] as Record<string, string | string[]>), [source], sourceOptions);
    if (result instanceof Promise) waiting.push(result.then(take));
    else take(result);
  });
  const conclude = () => {
    const errors = found.flat();
    // A refusal is expected control flow: its stack trace would cost more than the check and say nothing.
    if (errors.length > 0) throw withoutStackTrace(() => new WebSocketRequestValidationError(errors, descriptor.endpoint('handshake')));
    return validated;
  };
  return waiting.length > 0 ? Promise.all(waiting).then(conclude) : conclude();
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
