import type { Type } from '@nestjs/common';
import { plainToInstance, type ClassTransformOptions } from 'class-transformer';
import { validate, type ValidatorOptions } from 'class-validator';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';
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

/**
 * Raw strings → the DTO's declared types → a DTO instance → class-validator.
 * `loc` starts with `locPrefix` (`['query']`, `['body']`); `input` is the value as sent.
 */
export async function validateDto<T extends object>(
  dto: Type<T>,
  raw: Readonly<Record<string, string | readonly string[] | undefined>>,
  locPrefix: readonly (string | number)[],
  options: DtoValidationOptions = {},
): Promise<DtoValidationResult<T>> {
  const plain = coerceToDeclaredTypes(dto, raw);
  const value = plainToInstance(dto, plain, options.transformOptions) as T;
  const failures = await validate(value, { forbidUnknownValues: false, ...options.validatorOptions });
  const errors = toErrorItems(
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
