import type { INestApplication } from '@nestjs/common';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs } from '../../../src/testing/index.js';
import { startApp } from '../../fixtures/app.js';
import { departures, flood, FLOOD_CAP, FLOOD_CHUNK, LifecycleGateway } from './lifecycle-gateway.js';

const MAX_BUFFERED = 1024 * 1024;
const CLOSE_TIMEOUT = 500;

describe('maxBufferedBytes: outbound backpressure', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp({ providers: [LifecycleGateway] }, { maxBufferedBytes: MAX_BUFFERED, closeTimeout: CLOSE_TIMEOUT, heartbeat: false });
  });
  afterAll(() => app.close());

  it('closes a client that stopped reading with 1013, drops it after closeTimeout, and keeps serving the others', async () => {
    const slow = connectWs(app, '/life', { query: { tag: 'slow' }, timeout: 30_000 });
    const other = connectWs(app, '/life', { query: { tag: 'other' } });
    await Promise.all([slow.opened, other.opened]);
    // The client stops reading: the kernel's buffers fill, then the server's.
    (slow.socket as unknown as { _socket: Socket })._socket.pause();
    slow.send('flood');

    // Another client keeps its round trips while the server floods the slow one.
    for (let i = 0; i < 20; i++) {
      other.send('echo', i);
      expect(await other.receive()).toEqual({ event: 'echo', data: i });
    }

    const { info, nestCode } = await departures.of('slow');
    expect(info).toEqual({ code: 1013, reason: 'Too much unsent data', wasClean: false, initiator: 'server', cause: 'backpressure' });
    expect(nestCode).toBe(1006);
    // Server memory stayed bounded: never more than one send past the bound, and the flood stopped far short of its cap.
    expect(flood.maxBuffered).toBeGreaterThan(MAX_BUFFERED);
    expect(flood.maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED + FLOOD_CHUNK);
    expect(flood.sent).toBeLessThan(FLOOD_CAP / 4);
    expect(flood.stoppedOpen).toBe(false);

    other.send('echo', 'after');
    expect(await other.receive()).toEqual({ event: 'echo', data: 'after' });
    expect(await other.close()).toMatchObject({ kind: 'closed', code: 1000 });
    slow.socket.terminate();
    expect(await slow.outcome).toMatchObject({ kind: 'closed' });
  }, 30_000);
});
