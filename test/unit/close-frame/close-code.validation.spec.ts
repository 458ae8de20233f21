import { describe, it, expect } from 'vitest';
import { assertSendableCloseCode, isSendableCloseCode } from '../../../src/close-frame/close-code.validation.js';
import { WsStatus } from '../../../src/close-frame/ws-status.js';

// The rule written independently of the implementation, as RFC 6455 §7.4 states it.
const SENDABLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [1000, 1003],
  [1007, 1014],
  [3000, 4999],
];
const expected = (code: number) => SENDABLE_RANGES.some(([lo, hi]) => code >= lo && code <= hi);

describe('isSendableCloseCode', () => {
  it('matches RFC 6455 §7.4 for every code 0..5100', () => {
    const mismatches: number[] = [];
    for (let code = 0; code <= 5100; code++) {
      if (isSendableCloseCode(code) !== expected(code)) mismatches.push(code);
    }
    expect(mismatches).toEqual([]);
  });

  it.each([1004, 1005, 1006, 1015, 999, 2999, 5000, 65535, -1])('rejects %i', (code) => {
    expect(isSendableCloseCode(code)).toBe(false);
  });

  it.each([NaN, Infinity, 1000.5, '1000', null, undefined, 1000n, {}])('rejects the non-integer %s', (code) => {
    expect(isSendableCloseCode(code)).toBe(false);
  });

  it('accepts every WsStatus code except the ones only reported locally', () => {
    const sendable = Object.values(WsStatus).filter((code) => isSendableCloseCode(code));
    expect(sendable).toEqual([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014]);
  });
});

describe('assertSendableCloseCode', () => {
  it.each([1000, 1008, 1014, 3000, 4999])('lets %i through', (code) => {
    expect(() => assertSendableCloseCode(code)).not.toThrow();
  });

  it.each([1004, 1005, 1006, 1015, 999, 5000, NaN])('throws a RangeError naming %s', (code) => {
    expect(() => assertSendableCloseCode(code)).toThrow(RangeError);
    expect(() => assertSendableCloseCode(code)).toThrow(`Close code ${code} may not be sent in a close frame`);
  });

  it('gives the allowed ranges in the message', () => {
    expect(() => assertSendableCloseCode(1006)).toThrow(
      'Close code 1006 may not be sent in a close frame (allowed: 1000-1003, 1007-1014, 3000-4999)',
    );
  });

  it('still throws a RangeError for values that cannot be turned into text', () => {
    const hostile = { toString: () => { throw new Error('no'); } };
    expect(() => assertSendableCloseCode(hostile)).toThrow(RangeError);
    expect(() => assertSendableCloseCode(Symbol('x'))).toThrow(RangeError);
    expect(() => assertSendableCloseCode('1000')).toThrow('Close code "1000"');
  });
});
