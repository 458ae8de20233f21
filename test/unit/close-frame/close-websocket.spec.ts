import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it, expect, vi } from 'vitest';
import { WebSocketServer, WebSocket } from 'ws';
import { closeWebSocket, type ClosableWebSocket } from '../../../src/close-frame/close-websocket.js';
import { WsStatus } from '../../../src/close-frame/ws-status.js';

function fakeClient(readyState: number, close: ClosableWebSocket['close'] = () => {}) {
  return { readyState, close: vi.fn(close), terminate: vi.fn() };
}

describe('closeWebSocket (fake client)', () => {
  it.each([0, 1])('closes a socket in readyState %i with the encoded reason', (readyState) => {
    const client = fakeClient(readyState);
    expect(closeWebSocket(client, WsStatus.WS_1008_POLICY_VIOLATION, 'é'.repeat(100))).toBe(true);
    expect(client.close).toHaveBeenCalledExactlyOnceWith(1008, 'é'.repeat(61));
    expect(client.terminate).not.toHaveBeenCalled();
  });

  it('encodes lists and honours the options', () => {
    const client = fakeClient(1);
    const errors = [{ type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' }];
    closeWebSocket(client, 1003, errors, { fields: ['type', 'loc'] });
    expect(client.close).toHaveBeenCalledWith(1003, '[{"type":"isInt","loc":["query","q"]}]');
  });

  it('sends an empty reason when none is given', () => {
    const client = fakeClient(1);
    closeWebSocket(client, 1000);
    expect(client.close).toHaveBeenCalledWith(1000, '');
  });

  it.each([2, 3])('does nothing to a socket in readyState %i', (readyState) => {
    const client = fakeClient(readyState);
    expect(closeWebSocket(client, 1000, 'bye')).toBe(false);
    expect(client.close).not.toHaveBeenCalled();
    expect(client.terminate).not.toHaveBeenCalled();
  });

  it.each([1004, 1005, 1006, 1015, 999, 5000, NaN])('throws a RangeError naming %s, before touching the socket', (code) => {
    const client = fakeClient(1);
    expect(() => closeWebSocket(client, code, 'x')).toThrow(RangeError);
    expect(() => closeWebSocket(client, code, 'x')).toThrow(`Close code ${code}`);
    expect(client.close).not.toHaveBeenCalled();
  });

  it('terminates the socket when close throws, and reports that it did not close', () => {
    const client = fakeClient(0, () => {
      throw new Error('socket is broken');
    });
    expect(closeWebSocket(client, 1011, 'Internal Server Error')).toBe(false);
    expect(client.terminate).toHaveBeenCalledOnce();
  });

  it('swallows a close that throws on a socket without terminate, or a terminate that throws', () => {
    const bare: ClosableWebSocket = { readyState: 1, close: () => { throw new Error('no'); } };
    expect(closeWebSocket(bare, 1011)).toBe(false);
    const worse = fakeClient(1, () => { throw new Error('no'); });
    worse.terminate.mockImplementation(() => { throw new Error('still no'); });
    expect(closeWebSocket(worse, 1011)).toBe(false);
  });
});

/** Starts a ws server whose connection handler closes with `code` and `reason`; returns what a ws client saw. */
async function closeFromServer(code: number, reason: unknown): Promise<{ closed: boolean; code: number; reason: Buffer }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  let client: WebSocket | undefined;
  try {
    await once(server, 'listening');
    let closed = false;
    server.on('connection', (socket) => {
      closed = closeWebSocket(socket, code, reason);
    });
    client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const [receivedCode, receivedReason] = (await once(client, 'close')) as [number, Buffer];
    return { closed, code: receivedCode, reason: receivedReason };
  } finally {
    client?.terminate();
    for (const socket of server.clients) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('closeWebSocket (real ws sockets)', () => {
  it('delivers 1008 and a 200-byte reason cut to 122 bytes of valid UTF-8', async () => {
    const seen = await closeFromServer(WsStatus.WS_1008_POLICY_VIOLATION, 'é'.repeat(100));
    expect(seen.closed).toBe(true);
    expect(seen.code).toBe(1008);
    expect(seen.reason.length).toBe(122);
    expect(seen.reason.toString('utf8')).toBe('é'.repeat(61));
  });

  it('delivers a list of 20 validation errors as a reason that still parses', async () => {
    const errors = Array.from({ length: 20 }, (_, i) => ({
      type: 'isInt',
      loc: ['body', 'items', i, 'qty'],
      msg: `items.${i}.qty must be an integer number`,
      input: 'many',
    }));
    const seen = await closeFromServer(WsStatus.WS_1008_POLICY_VIOLATION, errors);
    expect(seen.code).toBe(1008);
    expect(seen.reason.length).toBeLessThanOrEqual(123);
    const parsed = JSON.parse(seen.reason.toString('utf8')) as Array<{ type: string; loc: unknown[] }>;
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed[0]).toEqual({ type: 'isInt', loc: ['body', 'items', 0, 'qty'] });
  });
});
