import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { setClientState, type ClientState } from '../../../src/context/client-state.js';
import { getUpgradeRequest, upgradeRequestInfo } from '../../../src/handshake/upgrade-request.js';

const request = (fields: Partial<IncomingMessage>) => ({ headers: {}, ...fields }) as IncomingMessage;

describe('upgradeRequestInfo', () => {
  it('keeps the headers, the URL and the TCP peer address, and nothing else', () => {
    const headers = { origin: 'https://a.example' };
    const info = upgradeRequestInfo(request({ headers, url: '/items/7/ws?q=3', socket: { remoteAddress: '10.0.0.1' } as never }));
    expect(info).toEqual({ headers, url: '/items/7/ws?q=3', remoteAddress: '10.0.0.1' });
    expect(Object.keys(info)).toEqual(['headers', 'url', 'remoteAddress']);
  });

  it('takes the address a trusted proxy names over the TCP peer, and "/" for a missing URL', () => {
    const info = upgradeRequestInfo(request({ socket: { remoteAddress: '127.0.0.1' } as never }), '203.0.113.9');
    expect(info).toEqual({ headers: {}, url: '/', remoteAddress: '203.0.113.9' });
  });
});

describe('getUpgradeRequest', () => {
  const state = {
    gateways: [],
    handshake: {},
    upgrade: { headers: {}, url: '/x?q=3', remoteAddress: '127.0.0.1' },
    settings: { reason: undefined, logErrors: true, globalFilters: [] },
  } as unknown as ClientState;

  it('reads the upgrade request kept for a client the adapter served', () => {
    const client = {};
    setClientState(client, state);
    expect(getUpgradeRequest(client)).toBe(state.upgrade);
    // A symbol key: invisible to Object.keys and JSON.
    expect(Object.keys(client)).toEqual([]);
  });

  it.each([
    ['a plain object', {}],
    ['null', null],
    ['a string', 'client'],
  ])('fails if given %s, naming the function', (_name, client) => {
    expect(() => getUpgradeRequest(client)).toThrow('getUpgradeRequest(client): this client was not served by ValidatingWsAdapter');
  });
});
