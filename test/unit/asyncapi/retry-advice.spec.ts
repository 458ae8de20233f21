import { describe, expect, it } from 'vitest';
import { retryAdvice } from '../../../src/index.js';

describe('retryAdvice', () => {
  it.each([1001, 1011, 1012, 1013, 1014, 4408, 4429, 4500, 4503, 4599])('%i: reconnect, with backoff', code => {
    expect(retryAdvice(code)).toEqual({ retry: true, backoff: true });
  });

  it.each([1000, 1002, 1003, 1007, 1008, 1009, 1010, 4400, 4401, 4403, 4499, 3000, 4001])('%i: do not reconnect', code => {
    expect(retryAdvice(code)).toEqual({ retry: false, backoff: false });
  });
});
