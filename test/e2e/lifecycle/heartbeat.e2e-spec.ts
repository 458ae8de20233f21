import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { baseUrl, connectWs } from '../../../src/testing/index.js';
import { startApp } from '../../fixtures/app.js';
import { appPort, rawUpgrade } from '../../fixtures/hostile-raw.js';
import { departures, LifecycleGateway } from './lifecycle-gateway.js';

const INTERVAL = 100;
const TIMEOUT = 100;
/** interval + timeout is 200 ms; the bound leaves room for a loaded machine. */
const DETECTION_BOUND_MS = 3_000;

describe('heartbeat', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp({ providers: [LifecycleGateway] }, { heartbeat: { interval: INTERVAL, timeout: TIMEOUT }, closeTimeout: 500 });
  });
  afterAll(() => app.close());

  it('drops a ws client that does not answer pings; handleDisconnect sees cause heartbeat', async () => {
    const socket = new WebSocket(`${baseUrl(app)}/life?tag=deaf`, { autoPong: false });
    let pings = 0;
    socket.on('ping', () => pings++);
    const closed = new Promise<{ code: number }>(resolve => socket.once('close', code => resolve({ code })));
    await new Promise(resolve => socket.once('open', resolve));
    const openedAt = performance.now();

    const { info, nestCode } = await departures.of('deaf');
    expect(performance.now() - openedAt).toBeLessThan(DETECTION_BOUND_MS);
    expect(info).toEqual({ code: 1006, reason: 'No answer to ping', wasClean: false, initiator: 'server', cause: 'heartbeat' });
    expect(nestCode).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(await closed).toEqual({ code: 1006 });
  });

  it('drops a raw TCP client that reads pings but never answers them', async () => {
    let pings = 0;
    const raw = rawUpgrade(appPort(app), { target: '/life?tag=raw-deaf', timeout: 5_000 });
    const onFrame = () => (pings = raw.frames.filter(frame => frame.opcode === 0x9).length);
    raw.socket.on('data', onFrame);
    const { info } = await departures.of('raw-deaf');
    expect(info).toMatchObject({ cause: 'heartbeat', initiator: 'server', wasClean: false });
    await raw.ended;
    onFrame();
    expect(pings).toBeGreaterThanOrEqual(1);
  });

  it('keeps a client that answers pings (as browsers and ws do) across many intervals', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'alive' } });
    await ws.opened;
    let pings = 0;
    const manyPings = new Promise<void>(resolve =>
      ws.socket.on('ping', () => {
        if (++pings === 20) resolve();
      }),
    );
    await manyPings;
    expect(ws.socket.readyState).toBe(WebSocket.OPEN);
    ws.send('echo', 'still here');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'still here' });
    expect(await ws.close(1000, 'done')).toMatchObject({ kind: 'closed', code: 1000, allowReconnect: false });
    expect((await departures.of('alive')).info).toEqual({ code: 1000, reason: 'done', wasClean: true, initiator: 'client', cause: 'client' });
  });

  it('uses one timer for the adapter, not one per client', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter(name => name === 'Timeout').length;
    const clients = Array.from({ length: 30 }, (_, i) => connectWs(app, '/life', { query: { tag: `many-${i}` } }));
    await Promise.all(clients.map(ws => ws.opened));
    // Each client has been pinged at least once (or, on a starved machine, dropped for a late pong:
    // either way the server's timers are what is counted, and they must not grow per client).
    await Promise.all(clients.map(ws => new Promise(resolve => (ws.socket.once('ping', resolve), ws.socket.once('close', resolve)))));
    const timersDuring = process.getActiveResourcesInfo().filter(name => name === 'Timeout').length;
    // connectWs keeps one outcome timer per client on the test side; the server adds none per client.
    expect(timersDuring - timersBefore).toBeLessThanOrEqual(clients.length);
    await Promise.all(clients.map(ws => ws.close()));
  });
});

describe('heartbeat: false', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp({ providers: [LifecycleGateway] }, { heartbeat: false });
  });
  afterAll(() => app.close());

  it('sends no pings', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'no-heartbeat' } });
    await ws.opened;
    let pings = 0;
    ws.socket.on('ping', () => pings++);
    // An echo round trip after a while: had a ping been sent, it would have arrived before the reply.
    await new Promise(resolve => setTimeout(resolve, 200));
    ws.send('echo', 1);
    expect(await ws.receive()).toEqual({ event: 'echo', data: 1 });
    expect(pings).toBe(0);
    await ws.close();
  });
});
