import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_TIMEOUT_CODE, WsErrorsModule } from '../../../src/index.js';
import { connectWs } from '../../../src/testing/index.js';
import { startApp } from '../../fixtures/app.js';
import { departures, LifecycleGateway } from './lifecycle-gateway.js';

const IDLE_TIMEOUT = 300;

describe('idleTimeout', () => {
  let app: INestApplication;

  beforeAll(async () => {
    // A fast heartbeat beside it: pongs are not messages, so they keep no client from idling out.
    app = await startApp({ providers: [LifecycleGateway] }, { idleTimeout: IDLE_TIMEOUT, heartbeat: { interval: 100, timeout: 100 } });
  });
  afterAll(() => app.close());

  it('closes a client that sends nothing with 4408 Idle timeout; handleDisconnect sees cause idle', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'quiet' }, timeout: 10_000 });
    await ws.opened;
    let pings = 0;
    ws.socket.on('ping', () => pings++);
    const openedAt = performance.now();
    expect(await ws.outcome).toEqual({ kind: 'closed', code: IDLE_TIMEOUT_CODE, reason: 'Idle timeout', wasClean: true, allowReconnect: false });
    // Never before the timeout; the upper bound is generous for a loaded machine.
    expect(performance.now() - openedAt).toBeGreaterThanOrEqual(IDLE_TIMEOUT * 0.8);
    expect(performance.now() - openedAt).toBeLessThan(IDLE_TIMEOUT * 10);
    expect(pings).toBeGreaterThan(1);
    const { info, nestCode } = await departures.of('quiet');
    expect(info).toEqual({ code: 4408, reason: 'Idle timeout', wasClean: true, initiator: 'server', cause: 'idle' });
    expect(nestCode).toBe(4408);
  });

  it('keeps a client that keeps talking, for many times the timeout', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'chatty' }, timeout: 10_000 });
    await ws.opened;
    const until = performance.now() + IDLE_TIMEOUT * 5;
    let rounds = 0;
    while (performance.now() < until) {
      ws.send('echo', rounds);
      expect(await ws.receive()).toEqual({ event: 'echo', data: rounds });
      rounds++;
      // Pacing, well within the timeout: the client is talking, not flooding.
      await new Promise(resolve => setTimeout(resolve, IDLE_TIMEOUT / 6));
    }
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
    expect((await departures.of('chatty')).info).toMatchObject({ cause: 'client', initiator: 'client' });
  });
});

describe('lifecycle options from WsErrorsModule.forRoot()', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp({ imports: [WsErrorsModule.forRoot({ idleTimeout: IDLE_TIMEOUT, heartbeat: false })], providers: [LifecycleGateway] });
  });
  afterAll(() => app.close());

  it('apply to the adapter as its own do', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'module-quiet' }, timeout: 10_000 });
    await ws.opened;
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: IDLE_TIMEOUT_CODE, reason: 'Idle timeout' });
    expect((await departures.of('module-quiet')).info).toMatchObject({ cause: 'idle' });
  });
});
