import { describe, expect, it } from 'vitest';
import { isThenable } from '../../../src/utils/is-thenable.util.js';

describe('isThenable', () => {
  it('is true for a promise and for any object with a callable then', () => {
    expect(isThenable(Promise.resolve())).toBe(true);
    expect(isThenable({ then: () => undefined })).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a function', () => undefined],
    ['an object whose then is not callable', { then: 1 }],
    ['a string', 'then'],
  ])('fails if given %s', (_name, value) => {
    expect(isThenable(value)).toBe(false);
  });
});
