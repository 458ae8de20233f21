import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrustProxy, type TrustProxy } from '../../../src/handshake/client-address.js';

/** The two fields the resolution reads: the TCP peer and the header. */
function request(peer: string | undefined, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage;
}

const resolve = (trust: TrustProxy | undefined, peer: string | undefined, forwardedFor?: string) =>
  clientAddress(request(peer, forwardedFor), compileTrustProxy(trust));

describe('clientAddress(request, compileTrustProxy(trustProxy))', () => {
  // A proxy at 10.0.0.2 forwarding for a client that itself claimed 6.6.6.6.
  const chain = '6.6.6.6, 203.0.113.7, 10.0.0.1';

  it.each<[string, TrustProxy | undefined, string]>([
    ['undefined (the default)', undefined, '10.0.0.2'],
    ['false', false, '10.0.0.2'],
    ['0 hops', 0, '10.0.0.2'],
    ['true: the left-most address', true, '6.6.6.6'],
    ['1 hop: the peer only', 1, '10.0.0.1'],
    ['2 hops', 2, '203.0.113.7'],
    ['99 hops: runs out at the left-most', 99, '6.6.6.6'],
    ['an address list stops at the first untrusted hop', ['10.0.0.2', '10.0.0.1'], '203.0.113.7'],
    ['a comma-separated string', '10.0.0.2 , 10.0.0.1', '203.0.113.7'],
    ['a CIDR', '10.0.0.0/8', '203.0.113.7'],
    ["the 'uniquelocal' preset", 'uniquelocal', '203.0.113.7'],
    ["the 'loopback' preset does not trust 10.0.0.2", 'loopback', '10.0.0.2'],
    ['an address that is not the peer trusts nothing', '10.0.0.1', '10.0.0.2'],
  ])('%s', (_name, trust, expected) => {
    expect(resolve(trust, '10.0.0.2', chain)).toBe(expected);
  });

  it('a peer outside the trusted set is the client, whatever it forges', () => {
    expect(resolve('127.0.0.2', '127.0.0.1', '1.2.3.4')).toBe('127.0.0.1');
    expect(resolve('127.0.0.2', '127.0.0.2', '1.2.3.4')).toBe('1.2.3.4');
  });

  it('an IPv4-mapped IPv6 peer matches an IPv4 preset', () => {
    expect(resolve('loopback', '::ffff:127.0.0.1', '198.51.100.4')).toBe('198.51.100.4');
    expect(resolve('loopback', '::1', '198.51.100.4')).toBe('198.51.100.4');
  });

  it('a trusted peer without the header is the client', () => {
    expect(resolve(true, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('a predicate is asked about each hop, from the server inwards, until it says no', () => {
    const asked: [string, number][] = [];
    const trust = (address: string, hop: number) => {
      asked.push([address, hop]);
      return address.startsWith('10.');
    };
    expect(resolve(trust, '10.0.0.2', chain)).toBe('203.0.113.7');
    expect(asked).toEqual([
      ['10.0.0.2', 0],
      ['10.0.0.1', 1],
      ['203.0.113.7', 2],
    ]);
  });

  it('a destroyed socket without an address, untrusted: undefined, never the header', () => {
    expect(resolve(false, undefined, '1.2.3.4')).toBeUndefined();
    expect(resolve('loopback', undefined, '1.2.3.4')).toBeUndefined();
  });

  it('a malformed trust entry or hop count fails when compiled, naming it', () => {
    expect(() => compileTrustProxy('10.0.0.300')).toThrow(/10\.0\.0\.300/);
    expect(() => compileTrustProxy(['loopback', 'nginx.internal'])).toThrow(TypeError);
    expect(() => compileTrustProxy(-1)).toThrow('trustProxy: a hop count must be an integer >= 0, got -1');
    expect(() => compileTrustProxy(1.5)).toThrow(TypeError);
  });
});

describe('clientAddress under any X-Forwarded-For', () => {
  const peer = fc.constantFrom('127.0.0.2', '127.0.0.9', '::ffff:127.0.0.2', '10.1.2.3', '::1');
  const entry = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 12 }), fc.constantFrom('127.0.0.2', 'unknown', ' ', ''));
  const header = fc
    .tuple(fc.array(entry, { maxLength: 12 }), fc.constantFrom(',', ', ', ' ,'))
    .map(([entries, separator]) => entries.join(separator));

  it("never throws, believes nothing from a peer it does not trust, and names only the peer or one of the header's entries", () => {
    const trust = compileTrustProxy(['127.0.0.2']);
    fc.assert(
      fc.property(peer, header, (address, forwardedFor) => {
        const resolved = clientAddress(request(address, forwardedFor), trust);
        if (address !== '127.0.0.2' && address !== '::ffff:127.0.0.2') expect(resolved).toBe(address);
        const entries = forwardedFor.split(',').map(item => item.trim());
        expect(resolved === address || entries.includes(resolved!)).toBe(true);
        expect(clientAddress(request(address, forwardedFor), undefined)).toBe(address);
      }),
      { numRuns: 500 },
    );
  });
});
