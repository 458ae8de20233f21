import { describe, expect, it } from 'vitest';
import { httpStatusForCloseCode } from '../../../src/adapter/http-rejection.js';

describe('httpStatusForCloseCode', () => {
  it.each([
    [4400, 400],
    [4401, 401],
    [4403, 403],
    [4404, 404],
    [4409, 409],
    [4413, 413],
    [4429, 429],
    [4499, 499],
    [4503, 503],
    [4599, 599],
  ])('maps %i, a 4000 + status close code, to HTTP %i', (code, status) => {
    expect(httpStatusForCloseCode(code, false)).toBe(status);
  });

  it.each([
    [1008, 403],
    [1009, 413],
    [1011, 500],
    [1013, 503],
    [4001, 403],
    [4399, 403],
    [4600, 403],
  ])('maps %i to HTTP %i', (code, status) => {
    expect(httpStatusForCloseCode(code, false)).toBe(status);
  });

  it('answers a validation refusal with 400 whatever the code', () => {
    expect(httpStatusForCloseCode(1008, true)).toBe(400);
  });
});
