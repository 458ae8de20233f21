import { Injectable, UseFilters, UseGuards, type CanActivate, type INestApplication } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketExceptionFilter, WsHandshake, type ValidatingWsAdapterOptions } from '../../../src/index.js';
import { connectWs } from '../../../src/testing/index.js';
import { startApp } from '../../fixtures/app.js';
import { appPort, deferred, rawUpgrade } from '../../fixtures/hostile-raw.js';
import { departures, LifecycleGateway } from './lifecycle-gateway.js';

/** The guard of `/gated` holds every handshake until the test releases it. */
let gate = { entered: deferred<void>(), release: deferred<boolean>() };
const gatedConnections: string[] = [];

@Injectable()
class HoldingGuard implements CanActivate {
  canActivate() {
    gate.entered.resolve();
    return gate.release.promise;
  }
}

@WebSocketGateway({ path: '/gated' })
@WsHandshake({})
@UseGuards(HoldingGuard)
@UseFilters(WebSocketExceptionFilter)
class GatedGateway {
  handleConnection() {
    gatedConnections.push('connected');
  }
}

/** `handleConnection` of `/slow-admit` waits until the test releases it: its clients are accepted, not admitted. */
let admission = { entered: deferred<void>(), release: deferred<void>() };
const slowAdmitDisconnects: string[] = [];

@WebSocketGateway({ path: '/slow-admit' })
@WsHandshake()
@UseFilters(WebSocketExceptionFilter)
class SlowAdmitGateway {
  async handleConnection() {
    admission.entered.resolve();
    await admission.release.promise;
  }
  handleDisconnect() {
    slowAdmitDisconnects.push('disconnect');
  }
}

describe('graceful shutdown: app.close()', () => {
  let app: INestApplication | undefined;

  async function start(options: ValidatingWsAdapterOptions = {}) {
    app = await startApp({ providers: [LifecycleGateway, GatedGateway, HoldingGuard, SlowAdmitGateway] }, { heartbeat: false, ...options });
    return app;
  }
  afterEach(async () => {
    gate.release.resolve(true);
    gate = { entered: deferred<void>(), release: deferred<boolean>() };
    admission.release.resolve();
    admission = { entered: deferred<void>(), release: deferred<void>() };
    await app?.close();
    app = undefined;
  });

  it('closes every client with 1001 Going Away and waits for their answers; handleDisconnect sees cause shutdown', async () => {
    const app = await start();
    const clients = ['a', 'b', 'c'].map(tag => connectWs(app, '/life', { query: { tag: `shutdown-${tag}` } }));
    await Promise.all(clients.map(ws => ws.opened));
    await app.close();
    for (const ws of clients) {
      expect(await ws.outcome).toEqual({ kind: 'closed', code: 1001, reason: 'Going Away', wasClean: true, allowReconnect: true });
    }
    for (const tag of ['a', 'b', 'c']) {
      expect((await departures.of(`shutdown-${tag}`)).info).toEqual({ code: 1001, reason: 'Going Away', wasClean: true, initiator: 'server', cause: 'shutdown' });
    }
  });

  it('shutdownCloseCode: 1012 sends Service Restart', async () => {
    const app = await start({ shutdownCloseCode: 1012 });
    const ws = connectWs(app, '/life', { query: { tag: 'restart' } });
    await ws.opened;
    await app.close();
    expect(await ws.outcome).toEqual({ kind: 'closed', code: 1012, reason: 'Service Restart', wasClean: true, allowReconnect: true });
    expect((await departures.of('restart')).info).toMatchObject({ code: 1012, cause: 'shutdown' });
  });

  it('refuses a client in the middle of its handshake with HTTP 503, never admitting it', async () => {
    const app = await start();
    const ws = connectWs(app, '/gated');
    await gate.entered.promise;
    await app.close();
    expect(await ws.outcome).toEqual({ kind: 'refused', status: 503, body: { code: 1001, reason: 'Going Away' } });
    // Released after the shutdown: the guard's late answer admits nothing.
    gate.release.resolve(true);
    await new Promise(resolve => setImmediate(resolve));
    expect(gatedConnections).toEqual([]);
  });

  it('refuses a client accepted but not yet admitted (async handleConnection) with 1001, never admitting it', async () => {
    const app = await start();
    const ws = connectWs(app, '/slow-admit');
    await ws.opened;
    await admission.entered.promise;
    await app.close();
    expect(await ws.outcome).toEqual({ kind: 'closed', code: 1001, reason: 'Going Away', wasClean: true, allowReconnect: true });
    admission.release.resolve();
    await new Promise(resolve => setImmediate(resolve));
    // Refused, so never the gateway's: no handleDisconnect.
    expect(slowAdmitDisconnects).toEqual([]);
  });

  it('refuses new upgrades while it waits for clients, and drops a silent client after closeTimeout', async () => {
    const app = await start({ closeTimeout: 1_000 });
    const port = appPort(app);
    // A client that never answers our close frame keeps the shutdown waiting.
    const silent = rawUpgrade(port, { target: '/life?tag=silent', timeout: 10_000 });
    const answering = connectWs(app, '/life', { query: { tag: 'answering' } });
    await answering.opened;
    await expect.poll(() => silent.upgraded).toBe(true);
    const closing = app.close();
    expect(await answering.outcome).toMatchObject({ kind: 'closed', code: 1001 });
    await expect.poll(() => silent.frames.some(frame => frame.opcode === 0x8)).toBe(true);

    const late = connectWs(`ws://127.0.0.1:${port}`, '/life', { query: { tag: 'late' } });
    expect(await late.outcome).toEqual({ kind: 'refused', status: 503, body: { code: 1001, reason: 'Going Away' } });

    await closing;
    await silent.ended;
    expect((await departures.of('silent')).info).toEqual({ code: 1001, reason: 'Going Away', wasClean: false, initiator: 'server', cause: 'shutdown' });
  });

  it('works the same on SIGTERM with enableShutdownHooks()', async () => {
    const app = await start();
    app.enableShutdownHooks(['SIGTERM']);
    const ws = connectWs(app, '/life', { query: { tag: 'sigterm' } });
    await ws.opened;
    // Nest re-raises the signal once it has shut down: this listener keeps the test worker alive.
    const reRaised = new Promise<void>(resolve => {
      let seen = 0;
      const listener = () => {
        if (++seen === 2) {
          process.off('SIGTERM', listener);
          resolve();
        }
      };
      process.on('SIGTERM', listener);
    });
    process.kill(process.pid, 'SIGTERM');
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1001, reason: 'Going Away', wasClean: true });
    await reRaised;
    expect((await departures.of('sigterm')).info).toMatchObject({ cause: 'shutdown', initiator: 'server' });
  });
});
