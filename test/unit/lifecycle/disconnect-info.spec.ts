import { describe, expect, it } from 'vitest';
import { getDisconnectInfo, markServerClose, recordDisconnect } from '../../../src/lifecycle/disconnect-info.js';

describe('disconnect info', () => {
  it('nothing before the close event', () => {
    const client = { readyState: 1 };
    markServerClose(client, 'idle', 4408, 'Idle timeout');
    expect(getDisconnectInfo(client)).toBeUndefined();
    expect(getDisconnectInfo(null)).toBeUndefined();
    expect(getDisconnectInfo('client')).toBeUndefined();
  });

  it("the server's first reason wins, with the code it sent", () => {
    const client = { readyState: 1 };
    markServerClose(client, 'heartbeat', 1006, 'No answer to ping');
    markServerClose(client, 'error', 1006);
    expect(recordDisconnect(client, 1006, Buffer.alloc(0))).toEqual({ code: 1006, reason: 'No answer to ping', wasClean: false, initiator: 'server', cause: 'heartbeat' });
  });

  it('a close the server starts on a closing socket is not the server’s', () => {
    const client = { readyState: 2 };
    markServerClose(client, 'error', 1011, 'x');
    expect(recordDisconnect(client, 4000, Buffer.from('bye'))).toEqual({ code: 4000, reason: 'bye', wasClean: true, initiator: 'client', cause: 'client' });
  });

  it('is settled once', () => {
    const client = { readyState: 1 };
    const first = recordDisconnect(client, 1000, Buffer.from('a'));
    markServerClose(client, 'error', 1011);
    expect(recordDisconnect(client, 1011, Buffer.from('b'))).toBe(first);
    expect(getDisconnectInfo(client)).toBe(first);
  });
});
