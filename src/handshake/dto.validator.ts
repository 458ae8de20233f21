import type { Type } from '@nestjs/common';
import { plainToInstance, type ClassTransformOptions } from 'class-transformer';
import { validate, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';
import { validatesSynchronously } from './sync-validation.js';
import { coerceToDeclaredTypes, PROTOTYPE_KEYS, sentValue } from './value.coercion.js';
import { toErrorItems } from './validation-error.mapper.js';

export interface DtoValidationOptions {
  validatorOptions?: ValidatorOptions;
  transformOptions?: ClassTransformOptions;
}

export interface DtoValidationResult<T> {
  value?: T;
  errors: WsValidationErrorItem[];
}

type Raw = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Raw strings → the DTO's declared types → a DTO instance → class-validator.
 * `loc` starts with `locPrefix` (`['query']`, `['body']`); `input` is the value as sent.
 * Synchronous (no promise, no tick) when the DTO has no async constraint, which is the
 * common case and what a handshake should cost; a promise otherwise.
 */
export function validateDto<T extends object>(
  dto: Type<T>,
  raw: Raw,
  locPrefix: readonly (string | number)[],
  options: DtoValidationOptions = {},
): DtoValidationResult<T> | Promise<DtoValidationResult<T>> {
  const value = plainToInstance(dto, coerceToDeclaredTypes(dto, raw), options.transformOptions) as T;
  const validatorOptions = withDefaults(options.validatorOptions);
  if (validatesSynchronously(dto)) {
    return toResult(dto, raw, value, validateSync(value, validatorOptions), locPrefix, options);
  }
  return validate(value, validatorOptions).then(failures => toResult(dto, raw, value, failures, locPrefix, options));
}

const NO_OPTIONS: ValidatorOptions = { forbidUnknownValues: false };
const withDefaultsCache = new WeakMap<ValidatorOptions, ValidatorOptions>();

/**
 * Handshake DTOs are plain classes, never unknown objects: `forbidUnknownValues` off unless
 * asked for. Derived once per options object, not per handshake.
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
  dto: Type<T>,
  raw: Raw,
  value: T,
  failures: ValidationError[],
  locPrefix: readonly (string | number)[],
  options: DtoValidationOptions,
): DtoValidationResult<T> {
  const errors =
    failures.length === 0
      ? []
      : toErrorItems(
          failures,
          locPrefix,
          key => sentValue(dto, key, raw[key]),
          key => raw[key] !== undefined,
        );
  if (options.validatorOptions?.forbidNonWhitelisted) {
    for (const key of Object.keys(raw)) {
      if (PROTOTYPE_KEYS.has(key)) {
        errors.push({ type: 'whitelistValidation', loc: [...locPrefix, key], msg: `property ${key} should not exist`, input: raw[key] });
      }
    }
  }
  return errors.length > 0 ? { errors } : { value, errors };
}
