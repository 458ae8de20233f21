import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { WebSocketRequestValidationError, WsValidationPipe } from '../../../src/index.js';

class Item {
  @IsString() name!: string;
}
class Order {
  @IsInt() quantity!: number;
  @IsOptional() @IsString() note?: string;
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

const PAYLOAD = 3 as unknown as ArgumentMetadata['type'];
const body = (metatype?: unknown, data?: string): ArgumentMetadata =>
  ({ type: PAYLOAD, metatype, data }) as ArgumentMetadata;

async function failure(pipe: WsValidationPipe, value: unknown, metadata: ArgumentMetadata) {
  const error = await pipe.transform(value, metadata).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebSocketRequestValidationError);
  return (error as WebSocketRequestValidationError).errors();
}

describe('WsValidationPipe', () => {
  const pipe = new WsValidationPipe();

  it('hands back a DTO instance for a valid body', async () => {
    const value = await pipe.transform({ quantity: 2, items: [{ name: 'a' }] }, body(Order));
    expect(value).toBeInstanceOf(Order);
    expect((value as Order).items[0]).toBeInstanceOf(Item);
  });

  it('hands back the body as sent with transform: false', async () => {
    const sent = { quantity: 2, items: [] };
    expect(await new WsValidationPipe({ transform: false }).transform(sent, body(Order))).toBe(sent);
  });

  it('locates nested failures under body, array indices as numbers, absent values as missing', async () => {
    const errors = await failure(pipe, { quantity: 'x', items: [{ name: 'a' }, {}] }, body(Order));
    expect(errors).toEqual([
      { type: 'isInt', loc: ['body', 'quantity'], msg: 'quantity must be an integer number', input: 'x' },
      { type: 'missing', loc: ['body', 'items', 1, 'name'], msg: 'Field required' },
    ]);
  });

  it('reports a missing top-level field once, as missing', async () => {
    expect(await failure(pipe, { items: [] }, body(Order))).toEqual([
      { type: 'missing', loc: ['body', 'quantity'], msg: 'Field required' },
    ]);
  });

  it('does not convert strings: JSON bodies are typed already', async () => {
    const [item] = await failure(pipe, { quantity: '3', items: [] }, body(Order));
    expect(item).toMatchObject({ type: 'isInt', input: '3' });
  });

  it('prefixes the property of @MessageBody("order")', async () => {
    const [item] = await failure(pipe, { items: [] }, body(Order, 'order'));
    expect(item!.loc).toEqual(['body', 'order', 'quantity']);
  });

  it.each([
    ['undefined', undefined, { type: 'missing', loc: ['body'], msg: 'Field required' }],
    ['null', null, { type: 'missing', loc: ['body'], msg: 'Field required' }],
    ['a string', 'hello', { type: 'isObject', loc: ['body'], msg: 'body must be an object', input: 'hello' }],
    ['an array', [1], { type: 'isObject', loc: ['body'], msg: 'body must be an object', input: [1] }],
  ])('refuses %s where a DTO is declared', async (_name, value, expected) => {
    expect(await failure(pipe, value, body(Order))).toEqual([expected]);
  });

  it.each([String, Number, Boolean, Object, Array, undefined])('passes a body declared as %s through', async metatype => {
    const sent = { anything: 1 };
    expect(await pipe.transform(sent, body(metatype))).toBe(sent);
  });

  it.each([
    ['@ConnectedSocket()', 0],
    ['a custom decorator', 'custom'],
  ])('leaves %s alone even with a class metatype', async (_name, type) => {
    const socket = { readyState: 1 };
    expect(await pipe.transform(socket, { type, metatype: Order } as ArgumentMetadata)).toBe(socket);
  });

  it('strips prototype keys, so a __proto__ body cannot swap the DTO out of validation', async () => {
    const sent = JSON.parse('{"__proto__": {"quantity": 1}, "items": [{"name": "a", "constructor": {}}]}');
    const errors = await failure(pipe, sent, body(Order));
    expect(errors).toEqual([{ type: 'missing', loc: ['body', 'quantity'], msg: 'Field required' }]);
    expect(({} as Record<string, unknown>).quantity).toBeUndefined();
  });

  it('hands back a body without own prototype keys with transform: false', async () => {
    const sent = JSON.parse('{"__proto__": {"polluted": 1}, "quantity": 1, "items": [{"name": "a", "constructor": {"prototype": {}}}]}');
    const value = (await new WsValidationPipe({ transform: false }).transform(sent, body(Order))) as Record<string, any>;
    expect(Object.hasOwn(value, '__proto__')).toBe(false);
    expect(Object.hasOwn(value.items[0], 'constructor')).toBe(false);
    expect((Object.assign({}, value) as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('passes class-validator options on: forbidNonWhitelisted', async () => {
    const strict = new WsValidationPipe({ whitelist: true, forbidNonWhitelisted: true });
    const errors = await failure(strict, { quantity: 1, items: [], extra: 'x' }, body(Order));
    expect(errors).toEqual([
      { type: 'whitelistValidation', loc: ['body', 'extra'], msg: 'property extra should not exist', input: 'x' },
    ]);
  });
});
