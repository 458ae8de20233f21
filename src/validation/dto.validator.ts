import type { Type } from '@nestjs/common';
import { plainToInstance, type ClassTransformOptions } from 'class-transformer';
import { validate, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { PROTOTYPE_KEY_MESSAGE } from '../exceptions/messages.constant.js';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';
import type { MaybePromise } from '../utils/maybe-async.util.js';
import { validatesSynchronously } from './sync-validation.js';
import { toErrorItems } from './validation-error.mapper.js';

export interface DtoValidationOptions {
  validatorOptions?: ValidatorOptions;
  transformOptions?: ClassTransformOptions;
}

export interface DtoValidationResult<T> {
  value?: T;
  errors: WsValidationErrorItem[];
}

/** What a client sent, made ready for a DTO by its caller (a handshake source, a message body). */
export interface SentValues {
  /** The plain object class-transformer receives: already in the declared types, no prototype keys. */
  plain: Record<string, unknown>;
  /** What was sent under a top-level key, for an error's `input`. */
  input(key: string): unknown;
  /** Whether a top-level key was sent at all (an absent required value is one `missing` item). */
  present(key: string): boolean;
  /** Where prototype keys (`__proto__`, `constructor`, `prototype`) were sent and left out, relative to `loc`. */
  prototypeKeys: readonly (readonly (string | number)[])[];
}

/**
 * The one validation core, for handshake DTOs and `WsValidationPipe` alike: the plain
 * object → a DTO instance → class-validator → FastAPI-style items under `loc`. One policy for
 * prototype keys: never assigned; reported like any undeclared key where
 * `forbidNonWhitelisted` is on, else dropped. Synchronous (no promise, no tick) when the DTO
 * has no async constraint, which is the common case; a promise otherwise.
 */
export function validateDto<T extends object>(
  dto: Type<T>,
  sent: SentValues,
  loc: readonly (string | number)[],
  options: DtoValidationOptions = {},
): MaybePromise<DtoValidationResult<T>> {
  const value = plainToInstance(dto, sent.plain, options.transformOptions) as T;
  const validatorOptions = withDefaults(options.validatorOptions);
  if (validatesSynchronously(dto)) return toResult(value, validateSync(value, validatorOptions), sent, loc, validatorOptions);
  return validate(value, validatorOptions).then(failures => toResult(value, failures, sent, loc, validatorOptions));
}

const NO_OPTIONS: ValidatorOptions = { forbidUnknownValues: false };
const withDefaultsCache = new WeakMap<ValidatorOptions, ValidatorOptions>();

/**
 * DTOs here are plain classes, never unknown objects: `forbidUnknownValues` off unless asked
 * for. Derived once per options object, not per call.
 */
function withDefaults(options: ValidatorOptions | undefined): ValidatorOptions {
  if (!options) return NO_OPTIONS;
  let derived = withDefaultsCache.get(options);
  if (!derived) {
    derived = { forbidUnknownValues: false, ...options };
    withDefaultsCache.set(options, derived);
  }
  return derived;
}

function toResult<T extends object>(
  value: T,
  failures: ValidationError[],
  sent: SentValues,
  loc: readonly (string | number)[],
  options: ValidatorOptions,
): DtoValidationResult<T> {
  const errors = failures.length === 0 ? [] : toErrorItems(failures, loc, key => sent.input(key), key => sent.present(key));
  if (options.forbidNonWhitelisted) {
    for (const path of sent.prototypeKeys) {
      const key = path[path.length - 1]!;
      errors.push({ type: 'whitelistValidation', loc: [...loc, ...path], msg: PROTOTYPE_KEY_MESSAGE(String(key)) });
    }
  }
  return errors.length > 0 ? { errors } : { value, errors };
}
