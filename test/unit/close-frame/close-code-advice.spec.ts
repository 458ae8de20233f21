import { describe, expect, it } from 'vitest';
import { closeCodeAdvice, shouldReconnect } from '../../../src/close-frame/close-code-advice.js';
import { IDLE_TIMEOUT_CODE } from '../../../src/lifecycle/lifecycle-options.js';

describe('closeCodeAdvice / shouldReconnect', () => {
  it.each([1001, 1006, 1011, 1012, 1013, 1014, 4500, 4503])('%i: reconnect, with backoff', code => {
    expect(shouldReconnect(code)).toBe(true);
    expect(closeCodeAdvice(code).meaning).toMatch(/backoff/);
  });

  it.each([1000, 1002, 1003, 1005, 1007, 1008, 1009, 4400, 4401, 4403, 4429, 4499, IDLE_TIMEOUT_CODE, 3000, 4000, 4001, 4999])(
    '%i: do not reconnect as is',
    code => {
      expect(shouldReconnect(code)).toBe(false);
      expect(closeCodeAdvice(code).meaning).not.toBe('');
    },
  );

  it('names the HTTP status of a 4000 + status code', () => {
    expect(closeCodeAdvice(4401).meaning).toContain('HTTP 401');
  });
});
