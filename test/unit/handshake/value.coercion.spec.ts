import { IsArray, IsBoolean, IsInt, IsNumber, IsString } from 'class-validator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handshakeSentValues } from '../../../src/handshake/value.coercion.js';
import { PROTOTYPE_KEYS } from '../../../src/validation/prototype-keys.js';

type Raw = Record<string, string | string[] | undefined>;
/** What the validation core receives as the plain object. */
const coerceToDeclaredTypes = (dto: Function, raw: Raw) => handshakeSentValues(dto as never, raw).plain as Record<string, unknown>;
/** What an error item reports as `input` for a key. */
const sentValue = (dto: Function, key: string, value: string | string[] | undefined) => handshakeSentValues(dto as never, { [key]: value }).input(key);

// The decorators make `emitDecoratorMetadata` record each property's `design:type`.
class Query {
  @IsNumber() n!: number;
  @IsInt() i!: number;
  @IsBoolean() flag!: boolean;
  @IsString() text!: string;
  @IsArray() tags!: string[];
}

describe('handshakeSentValues: the plain object', () => {
  describe('a number property', () => {
    it('gets the number a decimal or exponent string stands for (property)', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), value => {
          expect(coerceToDeclaredTypes(Query, { n: String(value) }).n).toBe(Number(String(value)));
        }),
        { seed: 0xc0e1, numRuns: 300 },
      );
    });

    it.each(['1.5', ' 42 ', '+7', '-0.5', '.5', '5.', '1e3', '1E-2'])('parses %j', text => {
      expect(coerceToDeclaredTypes(Query, { n: text }).n).toBe(Number(text));
    });

    it.each(['abc', '', '0x10', '1_000', 'Infinity', 'NaN', '1e', '--1', '1 2'])('fails if the text is not a decimal number: %j stays as sent', text => {
      expect(coerceToDeclaredTypes(Query, { n: text }).n).toBe(text);
    });

    it('takes the last of several values', () => {
      expect(coerceToDeclaredTypes(Query, { i: ['1', '2', '3'] }).i).toBe(3);
    });
  });

  describe('a boolean property', () => {
    it.each([
      ['true', true], ['1', true], ['on', true], ['YES', true],
      ['false', false], ['0', false], ['Off', false], ['no', false],
    ])('reads %j as %s', (text, expected) => {
      expect(coerceToDeclaredTypes(Query, { flag: text }).flag).toBe(expected);
    });

    it('fails if the text is no boolean word: it stays as sent', () => {
      expect(coerceToDeclaredTypes(Query, { flag: 'maybe' }).flag).toBe('maybe');
    });
  });

  describe('an array property', () => {
    it('gets every value, in order, and a single value as a one-item array', () => {
      expect(coerceToDeclaredTypes(Query, { tags: ['a', 'b'] }).tags).toEqual(['a', 'b']);
      expect(coerceToDeclaredTypes(Query, { tags: 'a' }).tags).toEqual(['a']);
    });
  });

  describe('a string property or an undeclared key', () => {
    it('gets the last value, unchanged', () => {
      expect(coerceToDeclaredTypes(Query, { text: ['x', '42'], other: ['1', '2'] })).toEqual({ text: '42', other: '2' });
    });
  });

  it('leaves out prototype keys and undefined values', () => {
    const raw = Object.assign(Object.create(null), { __proto__: 'x', constructor: 'y', prototype: 'z', text: 'kept', n: undefined });
    const plain = coerceToDeclaredTypes(Query, raw);
    expect(Object.keys(plain)).toEqual(['text']);
    expect([...PROTOTYPE_KEYS].sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    // …and says which were sent, for the core to report under forbidNonWhitelisted.
    expect(handshakeSentValues(Query, raw).prototypeKeys).toEqual([['constructor'], ['prototype']]);
  });
});

describe('handshakeSentValues: input', () => {
  it('is the value as sent, in the shape of the property: all values for an array, the last for a scalar', () => {
    expect(sentValue(Query, 'tags', ['a', 'b'])).toEqual(['a', 'b']);
    expect(sentValue(Query, 'n', ['1', 'x'])).toBe('x');
    expect(sentValue(Query, 'n', 'abc')).toBe('abc');
    expect(sentValue(Query, 'n', undefined)).toBeUndefined();
  });
});
