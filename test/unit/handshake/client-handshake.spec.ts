import { describe, expect, it } from 'vitest';
import { setClientState, type ClientState } from '../../../src/context/client-state.js';
import { getHandshake } from '../../../src/handshake/client-handshake.js';

describe('getHandshake', () => {
  it('reads the handshake kept for a client the adapter accepted, under a key Object.keys does not see', () => {
    const handshake = { params: {}, query: { q: 3 }, headers: {}, cookies: {}, rawParams: {}, url: '/x?q=3' };
    const client = {};
    setClientState(client, { gateways: [], handshake } as unknown as ClientState);
    expect(getHandshake(client)).toBe(handshake);
    expect(Object.keys(client)).toEqual([]);
  });

  it.each([
    ['a plain object', {}],
    ['null', null],
    ['a number', 7],
  ])('fails if given %s, naming the function', (_name, client) => {
    expect(() => getHandshake(client)).toThrow('getHandshake(client): this client was not served by ValidatingWsAdapter');
  });
});
