import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { isOriginAllowed } from '../../../src/adapter/origin.check.js';

const requestFrom = (origin?: string) => ({ headers: origin === undefined ? {} : { origin } }) as IncomingMessage;

const host = fc.domain();
const scheme = fc.constantFrom('http', 'https');
const origin = fc.tuple(scheme, host).map(([s, h]) => `${s}://${h}`);
/** The same text with each letter's case flipped at random. */
const recased = (text: string) =>
  fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map(flips =>
    [...text].map((char, i) => (flips[i] ? char.toUpperCase() : char.toLowerCase())).join(''),
  );

describe('isOriginAllowed', () => {
  describe('with a list', () => {
    it('allows a listed origin whatever its case', () => {
      fc.assert(
        fc.property(fc.array(origin, { minLength: 1, maxLength: 5 }).chain(list =>
          fc.tuple(fc.constant(list), fc.constantFrom(...list).chain(recased)),
        ), ([list, sent]) => {
          expect(isOriginAllowed(list, requestFrom(sent))).toBe(true);
        }),
        { seed: 0x0419, numRuns: 200 },
      );
    });

    it('fails if the origin is not listed', () => {
      fc.assert(
        fc.property(fc.array(origin, { maxLength: 5 }), origin, (list, sent) => {
          fc.pre(!list.some(entry => entry.toLowerCase() === sent.toLowerCase()));
          expect(isOriginAllowed(list, requestFrom(sent))).toBe(false);
        }),
        { seed: 0x041a, numRuns: 200 },
      );
    });

    it('fails if the origin only contains or extends a listed one', () => {
      const list = ['https://app.example'];
      for (const sent of ['https://app.example.evil', 'https://evil-app.example', 'http://app.example', 'https://app.example:8443']) {
        expect(isOriginAllowed(list, requestFrom(sent))).toBe(false);
      }
    });

    it('tests regular expressions in the list against the origin as sent', () => {
      const list = ['https://app.example', /^https:\/\/[a-z]+\.preview\.example$/];
      expect(isOriginAllowed(list, requestFrom('https://pr42.preview.example'))).toBe(false);
      expect(isOriginAllowed(list, requestFrom('https://pr.preview.example'))).toBe(true);
      expect(isOriginAllowed(list, requestFrom('https://PR.preview.example'))).toBe(false);
    });

    it('fails for every browser origin with an empty list', () => {
      expect(isOriginAllowed([], requestFrom('https://app.example'))).toBe(false);
      expect(isOriginAllowed([], requestFrom('null'))).toBe(false);
    });
  });

  describe('with a regular expression', () => {
    it('allows what it matches and fails what it does not', () => {
      expect(isOriginAllowed(/\.example$/, requestFrom('https://a.example'))).toBe(true);
      expect(isOriginAllowed(/\.example$/, requestFrom('https://a.example.com'))).toBe(false);
    });
  });

  describe('without an Origin header (not a browser page)', () => {
    it('allows the request with a list or a regular expression', () => {
      expect(isOriginAllowed([], requestFrom())).toBe(true);
      expect(isOriginAllowed(['https://app.example'], requestFrom())).toBe(true);
      expect(isOriginAllowed(/^$/, requestFrom())).toBe(true);
    });
  });

  describe('with a predicate', () => {
    it('lets the predicate decide, with the origin (or undefined) and the request', () => {
      const predicate = vi.fn((sent: string | undefined) => sent === 'https://ok.example');
      const request = requestFrom('https://ok.example');
      expect(isOriginAllowed(predicate, request)).toBe(true);
      expect(predicate).toHaveBeenLastCalledWith('https://ok.example', request);
      const bare = requestFrom();
      expect(isOriginAllowed(predicate, bare)).toBe(false);
      expect(predicate).toHaveBeenLastCalledWith(undefined, bare);
    });

    it('lets a predicate that throws throw (the caller answers 500)', () => {
      const predicate = () => {
        throw new Error('predicate broke');
      };
      expect(() => isOriginAllowed(predicate, requestFrom('https://a.example'))).toThrow('predicate broke');
    });
  });
});
