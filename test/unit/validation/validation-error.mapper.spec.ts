import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsString, Max, MinLength, ValidateNested, validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { MISSING_FIELD_MESSAGE } from '../../../src/exceptions/messages.constant.js';
import { toErrorItems } from '../../../src/validation/validation-error.mapper.js';

class Item {
  @IsString() name!: string;
}
class Order {
  @IsInt() @Max(10, { context: { hint: 'ten at most' } }) quantity!: number;
  @IsString() @MinLength(3) note!: string;
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

/** class-validator's errors for `plain` as an Order, mapped as the pipe maps a body. */
function itemsFor(plain: Record<string, unknown>, options: Parameters<typeof validateSync>[1] = {}) {
  const failures = validateSync(plainToInstance(Order, plain), options);
  return toErrorItems(failures, ['body'], key => plain[key], key => Object.hasOwn(plain, key) && plain[key] !== undefined);
}

describe('toErrorItems', () => {
  it('gives one missing item for an absent required value, however many constraints it fails', () => {
    expect(itemsFor({ quantity: 1, items: [] })).toEqual([{ type: 'missing', loc: ['body', 'note'], msg: MISSING_FIELD_MESSAGE }]);
  });

  it('gives one item per failed constraint for a value that was sent, with the input as sent', () => {
    expect(itemsFor({ quantity: 'x', note: 'a note', items: [] })).toEqual([
      expect.objectContaining({ type: 'max', loc: ['body', 'quantity'], input: 'x' }),
      { type: 'isInt', loc: ['body', 'quantity'], msg: 'quantity must be an integer number', input: 'x' },
    ]);
  });

  it("copies a constraint's context into ctx", () => {
    const [item] = itemsFor({ quantity: 11, note: 'a note', items: [] });
    expect(item).toEqual({ type: 'max', loc: ['body', 'quantity'], msg: 'quantity must not be greater than 10', input: 11, ctx: { hint: 'ten at most' } });
  });

  it('walks nested errors, with array indices as numbers in loc', () => {
    expect(itemsFor({ quantity: 1, note: 'a note', items: [{ name: 'ok' }, { name: 7 }, {}] })).toEqual([
      { type: 'isString', loc: ['body', 'items', 1, 'name'], msg: 'name must be a string', input: 7 },
      { type: 'missing', loc: ['body', 'items', 2, 'name'], msg: MISSING_FIELD_MESSAGE },
    ]);
  });

  it('reports a key forbidden by whitelisting as sent, never as missing', () => {
    const items = itemsFor({ quantity: 1, note: 'a note', items: [], extra: 'x' }, { whitelist: true, forbidNonWhitelisted: true });
    expect(items).toEqual([expect.objectContaining({ type: 'whitelistValidation', loc: ['body', 'extra'], input: 'x' })]);
  });

  it('keeps a numeric-looking key with a leading zero as text', () => {
    const failures = [{ property: '01', constraints: { isString: 'bad' }, children: [] }];
    expect(toErrorItems(failures, ['query'], () => 5, () => true)).toEqual([{ type: 'isString', loc: ['query', '01'], msg: 'bad', input: 5 }]);
  });
});
