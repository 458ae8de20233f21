import type { ValidationError } from 'class-validator';
import { MISSING_FIELD_MESSAGE } from '../exceptions/messages.constant.js';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';

/**
 * class-validator's error tree → FastAPI's flat list. A required value that was not
 * sent at all is one `missing` item, not one item per constraint it failed.
 */
export function toErrorItems(
  errors: readonly ValidationError[],
  loc: readonly (string | number)[],
  rawInput: (property: string) => unknown,
  present: (property: string) => boolean,
): WsValidationErrorItem[] {
  const items: WsValidationErrorItem[] = [];
  for (const error of errors) collect(error, [...loc, toLocKey(error.property)], items, rawInput, present, true);
  return items;
}

function collect(
  error: ValidationError,
  loc: (string | number)[],
  items: WsValidationErrorItem[],
  rawInput: (property: string) => unknown,
  present: (property: string) => boolean,
  topLevel: boolean,
): void {
  const constraints = error.constraints ?? {};
  const types = Object.keys(constraints);
  const absent = topLevel ? !present(error.property) : error.value === undefined;
  if (types.length > 0 && absent && types[0] !== 'whitelistValidation') {
    items.push({ type: 'missing', loc, msg: MISSING_FIELD_MESSAGE });
  } else {
    const input = topLevel ? rawInput(error.property) : error.value;
    for (const type of types) {
      const item: WsValidationErrorItem = { type, loc, msg: constraints[type]!, input };
      const ctx = error.contexts?.[type];
      if (ctx && typeof ctx === 'object') item.ctx = { ...ctx };
      items.push(item);
    }
  }
  for (const child of error.children ?? []) {
    collect(child, [...loc, toLocKey(child.property)], items, rawInput, present, false);
  }
}

/** Array indices become numbers, as in FastAPI's `['body', 'items', 0, 'name']`. */
function toLocKey(property: string): string | number {
  return /^(?:0|[1-9]\d*)$/.test(property) ? Number(property) : property;
}
