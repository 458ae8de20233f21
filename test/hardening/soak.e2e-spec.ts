import { Injectable, UseFilters, UseGuards, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { IsIn, IsInt } from 'class-validator';
import { finalize, interval, map } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'node:net';
import { WebSocket, type WebSocketServer as WsServer } from 'ws';
import { WebSocketExceptionFilter, WsHandshake, getDisconnectInfo, getHandshake } from '../../src/index.js';
import { baseUrl, connectWs } from '../../src/testing/index.js';
import { openConnections, startApp } from '../fixtures/app.js';
import { pollUntil } from '../fixtures/poll-until.js';
import { RawWsClient, appPort, deferred, settle, upgradeRequest } from '../fixtures/hostile-raw.js';

/**
 * A soak sized for two cores: a few thousand connections with mixed endings, about 50 at a
 * time (among them heartbeat, idle and backpressure closes), then, with the app still running,
 * nothing may be left behind: no socket, no timer, no client in the gateway's server, no heap
 * growth beyond a stated bound.
 * Needs `--expose-gc` (vitest.config.ts passes it to every worker).
 */

const TOTAL = 2_000;
const CONCURRENCY = 50;
const CLOSE_TIMEOUT = 300;
const HEAP_GROWTH_BOUND = 10 * 1024 * 1024;
/** Generous beside the soak's own event-loop lag: a client of this process answers pings in time. */
const HEARTBEAT = { interval: 500, timeout: 500 };
const IDLE_TIMEOUT = 1_500;
const MAX_BUFFERED = 256 * 1024;

class SoakQuery {
  @IsIn(['ok', 'slow', 'deny']) mode!: string;
  @IsInt() n!: number;
}

/** Guards of `mode=slow` clients wait here until the test lets them go. */
const slow = new Map<string, { entered: ReturnType<typeof deferred<void>>; release: ReturnType<typeof deferred<boolean>> }>();
function slowEntry(n: string) {
  let entry = slow.get(n);
  if (!entry) slow.set(n, (entry = { entered: deferred(), release: deferred<boolean>() }));
  return entry;
}

@Injectable()
class SoakGuard implements CanActivate {
  canActivate(context: ExecutionContext) {
    const { mode, n } = getHandshake(context.switchToWs().getClient()).query as { mode?: string; n?: string };
    if (mode === 'deny') return false;
    if (mode === 'slow') {
      const entry = slowEntry(String(n));
      entry.entered.resolve();
      return entry.release.promise;
    }
    return true;
  }
}

@WebSocketGateway({ path: '/soak/:room' })
@WsHandshake({ query: SoakQuery })
@UseGuards(SoakGuard)
@UseFilters(WebSocketExceptionFilter)
class SoakGateway {
  @WebSocketServer() server!: WsServer;

  handleDisconnect(client: WebSocket) {
    const cause = getDisconnectInfo(client)?.cause ?? 'none';
    const n = String(getHandshake(client).query.n);
    const key = `${PLAN[Number(n) % PLAN.length]}:${cause}`;
    causes.set(key, (causes.get(key) ?? 0) + 1);
    departed.get(n)?.resolve(cause);
  }

  /** Sends while the client is open: a client that stopped reading is closed by maxBufferedBytes. */
  @SubscribeMessage('flood')
  flood(@ConnectedSocket() client: WebSocket) {
    const chunk = 'x'.repeat(16 * 1024);
    const pump = () => {
      for (let i = 0; i < 16 && client.readyState === client.OPEN; i++) client.send(chunk);
      if (client.readyState === client.OPEN) setImmediate(pump);
    };
    pump();
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }

  /** A reply that never completes: it must end when its client leaves. */
  @SubscribeMessage('ticks')
  ticks() {
    return interval(5).pipe(
      map(n => ({ event: 'tick', data: n })),
      finalize(() => tickStreamsEnded.count++),
    );
  }
}

const tickStreamsEnded = { count: 0 };
/** handleDisconnect's causes by kind of client (`kind:cause`), and the clients a test waits for by `n`. */
const causes = new Map<string, number>();
const departed = new Map<string, ReturnType<typeof deferred<string>>>();

type Kind = 'echo' | 'invalid' | 'denied' | 'vanish' | 'silent' | 'deaf' | 'idle' | 'stalled';
/**
 * 30% admitted, 15% invalid, 15% denied by the guard, 10% vanishing mid-handshake, 10% never answering
 * the close, 10% never answering pings, 5% idle, 5% that stop reading while the gateway sends.
 */
const PLAN: Kind[] = ['echo', 'echo', 'echo', 'invalid', 'denied', 'vanish', 'silent', 'deaf', 'idle', 'stalled', 'echo', 'echo', 'echo', 'invalid', 'invalid', 'denied', 'denied', 'vanish', 'silent', 'deaf'];
const planned = (kind: Kind, total: number) => (PLAN.filter(k => k === kind).length * total) / PLAN.length;

function countResources(): { sockets: number; timeouts: number } {
  const info = process.getActiveResourcesInfo();
  return {
    sockets: info.filter(name => name === 'TCPSocketWrap').length,
    timeouts: info.filter(name => name === 'Timeout').length,
  };
}

describe('soak: mixed connections leave nothing behind', () => {
  let app: INestApplication;
  let port: number;
  let gateway: SoakGateway;
  const endings = new Map<string, number>();

  beforeAll(async () => {
    app = await startApp(
      { providers: [SoakGateway, SoakGuard] },
      { closeTimeout: CLOSE_TIMEOUT, heartbeat: HEARTBEAT, idleTimeout: IDLE_TIMEOUT, maxBufferedBytes: MAX_BUFFERED },
    );
    port = appPort(app);
    gateway = app.get(SoakGateway);
  });
  afterAll(() => app.close());

  async function one(i: number): Promise<void> {
    const kind = PLAN[i % PLAN.length]!;
    const room = `r${i % 7}`;
    switch (kind) {
      case 'echo': {
        const ws = connectWs(app, `/soak/${room}`, { query: { mode: 'ok', n: i } });
        await ws.opened;
        ws.send('echo', i);
        expect(await ws.receive()).toEqual({ event: 'echo', data: i });
        expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
        break;
      }
      case 'invalid': {
        const outcome = await connectWs(app, `/soak/${room}`, { query: { mode: 'ok', n: 'x' } }).outcome;
        expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
        break;
      }
      case 'denied': {
        const outcome = await connectWs(app, `/soak/${room}`, { query: { mode: 'deny', n: i } }).outcome;
        expect(outcome).toMatchObject({ kind: 'closed', code: 1008, reason: 'Forbidden resource' });
        break;
      }
      case 'vanish': {
        const entry = slowEntry(String(i));
        const raw = new RawWsClient(port, upgradeRequest(port, { target: `/soak/${room}?mode=slow&n=${i}` }), 4_000);
        await entry.entered.promise;
        raw.destroy();
        await raw.ended;
        // The guard lets the client in only after it is gone.
        entry.release.resolve(true);
        slow.delete(String(i));
        expect(raw.upgraded).toBe(false);
        break;
      }
      case 'silent': {
        const raw = new RawWsClient(port, upgradeRequest(port, { target: `/soak/${room}?mode=ok&n=x` }), 4_000);
        expect(await raw.outcome).toMatchObject({ kind: 'closed', code: 1008 });
        // Never answered: only the server's closeTimeout ends the connection.
        await raw.ended;
        break;
      }
      case 'deaf': {
        const socket = new WebSocket(`${baseUrl(app)}/soak/${room}?mode=ok&n=${i}`, { autoPong: false });
        socket.on('error', () => undefined);
        const code = await new Promise<number>(resolve => socket.once('close', resolve));
        expect(code).toBe(1006);
        break;
      }
      case 'idle': {
        const outcome = await connectWs(app, `/soak/${room}`, { query: { mode: 'ok', n: i }, timeout: IDLE_TIMEOUT * 4 }).outcome;
        expect(outcome).toMatchObject({ kind: 'closed', code: 4408 });
        break;
      }
      case 'stalled': {
        const gone = deferred<string>();
        departed.set(String(i), gone);
        const ws = connectWs(app, `/soak/${room}`, { query: { mode: 'ok', n: i }, timeout: 10_000 });
        await ws.opened;
        (ws.socket as unknown as { _socket: Socket })._socket.pause();
        ws.send('flood');
        expect(await gone.promise).toBe('backpressure');
        departed.delete(String(i));
        ws.socket.terminate();
        await ws.outcome;
        break;
      }
    }
    endings.set(kind, (endings.get(kind) ?? 0) + 1);
  }

  /** No client in the gateway's server, no connection on the HTTP server (a silent client's ends at closeTimeout). */
  async function allConnectionsGone(): Promise<void> {
    await pollUntil(async () => {
      expect(gateway.server.clients.size).toBe(0);
      expect(await openConnections(app)).toBe(0);
    });
  }

  async function run(from: number, count: number): Promise<void> {
    let next = from;
    const end = from + count;
    const worker = async () => {
      while (next < end) await one(next++);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  it(`${TOTAL} connections, ${CONCURRENCY} at a time, with heartbeat, idle and backpressure closes: sockets, timers, clients and heap back to baseline`, async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc !== 'function') {
      throw new Error('global.gc is missing: run this file with node --expose-gc (vitest.config.ts sets test.execArgv)');
    }
    // Warm-up: every code path (and the rejection server) exists before the baseline.
    await run(0, 200);
    await allConnectionsGone();
    await settle();
    gc();
    const baseline = countResources();
    const heapBefore = process.memoryUsage().heapUsed;

    endings.clear();
    causes.clear();
    await run(200, TOTAL);
    expect(Object.fromEntries(endings)).toEqual(Object.fromEntries([...new Set(PLAN)].map(kind => [kind, planned(kind, TOTAL)])));
    // Every admitted client reached handleDisconnect with its cause. A vanishing client whose guard
    // answers before the server has read its FIN is admitted and leaves at once: cause 'client'.
    await vi.waitFor(() => {
      const { 'vanish:client': vanished = 0, ...rest } = Object.fromEntries(causes);
      expect(rest).toEqual({
        'echo:client': planned('echo', TOTAL),
        'deaf:heartbeat': planned('deaf', TOTAL),
        'idle:idle': planned('idle', TOTAL),
        'stalled:backpressure': planned('stalled', TOTAL),
      });
      expect(vanished).toBeLessThanOrEqual(planned('vanish', TOTAL));
    });

    // Everything a connection holds goes with it, the app still running.
    await allConnectionsGone();
    await pollUntil(
      () => {
        expect(gateway.server.clients.size).toBe(0);
        const now = countResources();
        expect(now.sockets).toBeLessThanOrEqual(baseline.sockets);
        expect(now.timeouts).toBeLessThanOrEqual(baseline.timeouts);
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(slow.size).toBe(0);
    await settle();
    gc();
    await settle();
    gc();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(growth, `heap grew by ${(growth / 1024 / 1024).toFixed(1)} MB`).toBeLessThan(HEAP_GROWTH_BOUND);

    // And it still serves.
    const ws = connectWs(app, '/soak/final', { query: { mode: 'ok', n: 1 } });
    await ws.opened;
    ws.send('echo', 'after');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'after' });
    await ws.close();
  }, 60_000);

  it('Observable replies that never complete end with their clients: no timer left', async () => {
    await settle();
    const baseline = countResources();
    tickStreamsEnded.count = 0;
    const clients = Array.from({ length: 50 }, (_, i) => connectWs(app, `/soak/ticks`, { query: { mode: 'ok', n: i } }));
    await Promise.all(
      clients.map(async ws => {
        await ws.opened;
        ws.send('ticks');
        expect(await ws.receive()).toMatchObject({ event: 'tick' });
        expect(await ws.receive()).toMatchObject({ event: 'tick' });
      }),
    );
    await Promise.all(clients.map((ws, i) => (i % 2 === 0 ? ws.close() : (ws.socket.terminate(), ws.outcome))));
    await vi.waitFor(() => expect(tickStreamsEnded.count).toBe(50), { timeout: 5_000 });
    await pollUntil(
      () => {
        expect(gateway.server.clients.size).toBe(0);
        expect(countResources().timeouts).toBeLessThanOrEqual(baseline.timeouts);
        expect(countResources().sockets).toBeLessThanOrEqual(baseline.sockets);
      },
      { timeout: 5_000, interval: 100 },
    );
  });
});
