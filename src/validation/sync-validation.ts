import type { Type } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

const cache = new WeakMap<Function, boolean>();

/**
 * Whether `validateSync` checks everything `validate` would for this DTO: no async custom
 * constraint, no `@ValidatePromise`, and no `@ValidateNested` (whose nested classes are only
 * known from the values). Decided once per class, from class-validator's own metadata;
 * in doubt, the answer is no and the async path runs.
 */
export function validatesSynchronously(dto: Type): boolean {
  let sync = cache.get(dto);
  if (sync === undefined) {
    sync = inspect(dto);
    cache.set(dto, sync);
  }
  return sync;
}

function inspect(dto: Type): boolean {
  try {
    const storage = getMetadataStorage();
    for (const metadata of storage.getTargetValidationMetadatas(dto, '', true, false)) {
      if (metadata.type === ValidationTypes.PROMISE_VALIDATION || metadata.type === ValidationTypes.NESTED_VALIDATION) return false;
      if (metadata.constraintCls && storage.getTargetValidatorConstraints(metadata.constraintCls).some(constraint => constraint.async)) {
        return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}
