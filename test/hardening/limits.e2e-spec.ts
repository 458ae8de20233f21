import { Catch, Injectable, UseFilters, UseGuards, type CanActivate, type INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsInt, IsOptional } from 'class-validator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import {
  WebSocketException,
  WebSocketExceptionFilter,
  WsHandshake,
  getHandshake,
  type AllowedOrigins,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';
import { RawWsClient, appPort, clientFrame, deferred, rawUpgrade, settle, upgradeRequest } from '../fixtures/hostile-raw.js';

/**
 * Every limit of the adapter, through real sockets: what the client sees on the wire
 * when a handshake takes too long, when it floods before admission, when a message is
 * too large or unreadable, when it never answers a close frame, and when its Origin is foreign.
 */

class EchoQuery {
  @IsInt() q!: number;
}

class OptionalQuery {
  @IsOptional() @IsInt() q?: number;
}

@WebSocketGateway({ path: '/strict' })
@WsHandshake({ query: OptionalQuery })
@UseFilters(WebSocketExceptionFilter)
class StrictQueryGateway {}

const neverSettles = () => new Promise<never>(() => undefined);

@Injectable()
class NeverSettlingGuard implements CanActivate {
  canActivate() {
    return neverSettles();
  }
}

@WebSocketGateway({ path: '/slow-guard' })
@WsHandshake()
@UseGuards(NeverSettlingGuard)
@UseFilters(WebSocketExceptionFilter)
class SlowGuardGateway {}

@WebSocketGateway({ path: '/slow-connect' })
@UseFilters(WebSocketExceptionFilter)
class SlowConnectGateway {
  handleConnection() {
    return neverSettles();
  }
}

/** A filter whose verdict never comes. */
@Catch()
class NeverSettlingFilter {
  catch() {
    return neverSettles();
  }
}

@Injectable()
class ThrowingGuard implements CanActivate {
  canActivate(): boolean {
    throw new Error('refused');
  }
}

@WebSocketGateway({ path: '/stuck-filter' })
@WsHandshake()
@UseGuards(ThrowingGuard)
@UseFilters(WebSocketExceptionFilter, NeverSettlingFilter)
class StuckFilterGateway {}

@WebSocketGateway({ path: '/stuck-filter-connect' })
@UseFilters(WebSocketExceptionFilter, NeverSettlingFilter)
class StuckFilterConnectGateway {
  handleConnection() {
    throw new Error('refused');
  }
}

const echoed = vi.fn();

@WebSocketGateway({ path: '/echo' })
@WsHandshake({ query: EchoQuery })
@UseFilters(WebSocketExceptionFilter)
class EchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    echoed(data);
    return { event: 'echo', data };
  }

  @SubscribeMessage('fail')
  fail() {
    throw new WebSocketException(4000, 'bye');
  }
}

/** `handleConnection` waits for the test to open the gate; messages sent meanwhile are held. */
let gate = deferred();
let entered = deferred();
const heldEcho = vi.fn();

@WebSocketGateway({ path: '/held' })
@UseFilters(WebSocketExceptionFilter)
class HeldGateway {
  async handleConnection() {
    entered.resolve();
    await gate.promise;
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    heldEcho(data);
    return { event: 'echo', data };
  }
}

describe('limits with small settings (handshakeTimeout 200, closeTimeout 300, maxPayload 1024, invalidMessage close)', () => {
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    app = await startApp(
      {
        providers: [
          SlowGuardGateway, SlowConnectGateway, EchoGateway, NeverSettlingGuard,
          StuckFilterGateway, StuckFilterConnectGateway, ThrowingGuard, NeverSettlingFilter,
        ],
      },
      { handshakeTimeout: 200, closeTimeout: 300, maxPayload: 1024, invalidMessage: 'close' },
    );
    port = appPort(app);
  });
  afterAll(() => app.close());
  beforeEach(() => echoed.mockClear());

  it('closes with 1013 when a class guard never settles', async () => {
    expect(await connectWs(app, '/slow-guard').outcome).toMatchObject({ kind: 'closed', code: 1013, reason: 'Try Again Later' });
  });

  it('closes with 1013 when handleConnection never settles', async () => {
    const ws = connectWs(app, '/slow-connect');
    await ws.opened;
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1013, reason: 'Try Again Later' });
  });

  it('closes with 1013 when a filter handling a handshake error never settles', async () => {
    expect(await connectWs(app, '/stuck-filter', { timeout: 3_000 }).outcome).toMatchObject({ kind: 'closed', code: 1013, reason: 'Try Again Later' });
  });

  it('closes with 1013 when a filter handling a handleConnection error never settles', async () => {
    // NeverSettlingFilter, listed last, is tried first; the adapter waits handshakeTimeout for its
    // verdict (HandshakeAdmission#failConnection) and then closes with 1013, never 1011.
    const outcome = await connectWs(app, '/stuck-filter-connect', { timeout: 3_000 }).outcome;
    expect(outcome).toMatchObject({ kind: 'closed', code: 1013, reason: 'Try Again Later' });
  });

  it('answers 1013 with handshakeRejection "http" as HTTP 503', async () => {
    const httpApp = await startApp({ providers: [SlowGuardGateway, NeverSettlingGuard] }, { handshakeTimeout: 200, handshakeRejection: 'http' });
    try {
      expect(await connectWs(httpApp, '/slow-guard').outcome).toMatchObject({
        kind: 'refused',
        status: 503,
        body: { code: 1013, reason: 'Try Again Later' },
      });
    } finally {
      await httpApp.close();
    }
  });

  it('closes with 1009 when a message exceeds maxPayload, and never hands it to the handler', async () => {
    const ws = connectWs(app, '/echo?q=1');
    await ws.opened;
    ws.send('echo', 'x'.repeat(2_000));
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1009 });
    expect(echoed).not.toHaveBeenCalled();
  });

  it('accepts a message just under maxPayload', async () => {
    const ws = connectWs(app, '/echo?q=1');
    await ws.opened;
    const data = 'y'.repeat(1_024 - JSON.stringify({ event: 'echo', data: '' }).length);
    ws.send('echo', data);
    expect(await ws.receive()).toEqual({ event: 'echo', data });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  });

  it('closes with 1007 for a text message that is not JSON (invalidMessage: close)', async () => {
    const ws = connectWs(app, '/echo?q=1');
    await ws.opened;
    ws.sendRaw('{not json');
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1007, reason: 'Invalid message payload' });
  });

  it('closes with 1003 for a binary message (invalidMessage: close)', async () => {
    const ws = connectWs(app, '/echo?q=1');
    await ws.opened;
    ws.sendRaw(Buffer.from(JSON.stringify({ event: 'echo', data: 'bin' })), { binary: true });
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1003, reason: 'Binary messages are not supported' });
    expect(echoed).not.toHaveBeenCalled();
  });

  it('closes with 1007 for a text frame that is not valid UTF-8 (ws itself)', async () => {
    const raw = rawUpgrade(port, { target: '/echo?q=1' });
    await vi.waitFor(() => expect(raw.upgraded).toBe(true));
    raw.send(1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    const outcome = await raw.outcome;
    expect(outcome).toMatchObject({ kind: 'closed', code: 1007 });
    raw.destroy();
  });

  describe('closeTimeout: a client that never answers our close frame is dropped', () => {
    it('after a handshake refusal (the rejection server)', async () => {
      const raw = rawUpgrade(port, { target: '/echo?q=nope' });
      const outcome = await raw.outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
      // We never answer and never end: the TCP connection can only end from the server side.
      const received = await raw.ended;
      expect(received.length).toBeGreaterThan(0);
      expect(raw.socket.destroyed).toBe(true);
    });

    it('after a close from an admitted client\'s message handler (the gateway server)', async () => {
      const raw = rawUpgrade(port, { target: '/echo?q=1' });
      await vi.waitFor(() => expect(raw.upgraded).toBe(true));
      raw.send(1, JSON.stringify({ event: 'fail' }));
      expect(await raw.outcome).toMatchObject({ kind: 'closed', code: 4000 });
      await raw.ended;
    });

    it('after a 1013 handshake timeout', async () => {
      const raw = rawUpgrade(port, { target: '/slow-connect' });
      const outcome = await raw.outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1013 });
      await raw.ended;
    });
  });
});

/** A guard that takes a few event-loop turns: frames pipelined behind the upgrade request arrive meanwhile. */
@Injectable()
class SlowAllowGuard implements CanActivate {
  async canActivate() {
    await settle(5);
    return true;
  }
}

@WebSocketGateway({ path: '/slow-echo' })
@WsHandshake({ query: EchoQuery })
@UseGuards(SlowAllowGuard)
@UseFilters(WebSocketExceptionFilter)
class SlowEchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    echoed(data);
    return { event: 'echo', data };
  }
}

describe('pending messages before admission (maxPendingMessages 5, maxPendingBytes 2048, default timeouts)', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ providers: [HeldGateway, EchoGateway, SlowEchoGateway, SlowAllowGuard] }, { maxPendingMessages: 5, maxPendingBytes: 2_048 });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    gate = deferred();
    entered = deferred();
    heldEcho.mockClear();
    echoed.mockClear();
  });

  it('holds messages sent while handleConnection runs and delivers them in order once it settles', async () => {
    const ws = connectWs(app, '/held');
    await ws.opened;
    await entered.promise;
    for (let i = 0; i < 5; i++) ws.send('echo', i);
    await settle(10);
    expect(heldEcho).not.toHaveBeenCalled();
    gate.resolve();
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await ws.receive());
    expect(replies).toEqual([0, 1, 2, 3, 4].map(data => ({ event: 'echo', data })));
    await ws.close();
  });

  it('closes with 1008 when more messages than maxPendingMessages arrive, and delivers none of them', async () => {
    const ws = connectWs(app, '/held');
    await ws.opened;
    await entered.promise;
    for (let i = 0; i < 20; i++) ws.send('echo', i);
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1008, reason: 'Too many messages before admission' });
    gate.resolve();
    await settle(10);
    expect(heldEcho).not.toHaveBeenCalled();
  });

  it('closes with 1009 when the held bytes exceed maxPendingBytes, and delivers none of them', async () => {
    const ws = connectWs(app, '/held');
    await ws.opened;
    await entered.promise;
    ws.send('echo', 'a'.repeat(1_200));
    ws.send('echo', 'b'.repeat(1_200));
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1009, reason: 'Message Too Big' });
    gate.resolve();
    await settle(10);
    expect(heldEcho).not.toHaveBeenCalled();
  });

  it('frames sent in the same TCP write as the upgrade request, while an async guard runs, are delivered once admitted', async () => {
    const port = appPort(app);
    const frames = [0, 1, 2].map(i => clientFrame(1, JSON.stringify({ event: 'echo', data: i })));
    const raw = new RawWsClient(port, Buffer.concat([upgradeRequest(port, { target: '/slow-echo?q=1' }), ...frames]), 4_000);
    try {
      await raw.outcome;
      await vi.waitFor(() => expect(raw.frames.length).toBeGreaterThanOrEqual(3));
      expect(raw.frames.map(frame => JSON.parse(frame.payload.toString()))).toEqual([0, 1, 2].map(data => ({ event: 'echo', data })));
    } finally {
      raw.destroy();
    }
  });

  it('frames pipelined behind a refused upgrade request are never handled', async () => {
    const port = appPort(app);
    const frames = [0, 1].map(i => clientFrame(1, JSON.stringify({ event: 'echo', data: i })));
    const raw = new RawWsClient(port, Buffer.concat([upgradeRequest(port, { target: '/slow-echo?q=nope' }), ...frames]), 4_000);
    try {
      expect(await raw.outcome).toMatchObject({ kind: 'closed', code: 1008 });
      expect(raw.frames.filter(frame => frame.opcode !== 8)).toEqual([]);
      expect(echoed).not.toHaveBeenCalled();
    } finally {
      raw.destroy();
    }
  });

  it('with the default invalidMessage "ignore", unreadable text and binary leave the socket open', async () => {
    const ws = connectWs(app, '/echo?q=1');
    await ws.opened;
    ws.sendRaw('{not json');
    ws.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    ws.sendRaw(JSON.stringify(['no', 'event']));
    ws.send('echo', 'still here');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'still here' });
    expect(echoed).toHaveBeenCalledTimes(1);
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  });
});

describe('allowedOrigins refuses a foreign Origin with HTTP 403 before any gateway code runs', () => {
  const guardCalls = vi.fn();
  const connections = vi.fn();

  @Injectable()
  class SpyGuard implements CanActivate {
    canActivate() {
      guardCalls();
      return true;
    }
  }

  @WebSocketGateway({ path: '/origin' })
  @WsHandshake()
  @UseGuards(SpyGuard)
  @UseFilters(WebSocketExceptionFilter)
  class OriginGateway {
    handleConnection(client: WebSocket) {
      connections(getHandshake(client).headers.origin);
      client.send(JSON.stringify({ event: 'welcome' }));
    }
  }

  const variants: [string, AllowedOrigins][] = [
    ['a list (case-insensitive strings and RegExps)', ['HTTPS://APP.example', /^https:\/\/[a-z]+\.trusted\.example$/]],
    ['a RegExp', /^https:\/\/(app\.example|[a-z]+\.trusted\.example)$/],
    ['a function', (origin: string | undefined) => origin === undefined || origin === 'https://app.example' || /\.trusted\.example$/.test(origin)],
  ];

  it.each(variants)('%s', async (_name, allowedOrigins) => {
    const app = await startApp({ providers: [OriginGateway, SpyGuard] }, { allowedOrigins });
    try {
      guardCalls.mockClear();
      connections.mockClear();
      for (const foreign of ['https://evil.example', 'https://app.example.evil.example', 'null', 'https://trusted.example']) {
        expect(await connectWs(app, '/origin', { origin: foreign }).outcome).toMatchObject({
          kind: 'refused',
          status: 403,
          body: { code: null, reason: 'Origin not allowed' },
        });
      }
      // The same refusal for a path no gateway serves would be a 404: routing comes first, then the origin.
      expect(await connectWs(app, '/nowhere', { origin: 'https://evil.example' }).outcome).toMatchObject({ kind: 'refused', status: 404 });
      expect(guardCalls).not.toHaveBeenCalled();
      expect(connections).not.toHaveBeenCalled();

      for (const origin of ['https://app.example', 'https://api.trusted.example', undefined]) {
        const ws = connectWs(app, '/origin', origin ? { origin } : {});
        expect(await ws.receive()).toEqual({ event: 'welcome' });
        await ws.close();
      }
      expect(guardCalls).toHaveBeenCalledTimes(3);
      expect(connections.mock.calls).toEqual([['https://app.example'], ['https://api.trusted.example'], [undefined]]);
    } finally {
      await app.close();
    }
  });
});

describe('an HTTP refusal is not an amplifier', () => {
  /**
   * With `handshakeRejection: 'http'` the body carries the validation errors. A request of
   * ~8 KB with 1,600 unknown query keys (forbidNonWhitelisted) must not buy a response many
   * times its size. The bound (8 KiB) is a proposal: the lead may choose another.
   */
  it('keeps the body of a 1,600-error refusal under 8 KiB', async () => {
    const app = await startApp(
      { providers: [StrictQueryGateway] },
      { handshakeRejection: 'http', validatorOptions: { whitelist: true, forbidNonWhitelisted: true } },
    );
    try {
      const port = appPort(app);
      const query = Array.from({ length: 1_600 }, (_, i) => `${i.toString(36)}=1`).join('&');
      const raw = rawUpgrade(port, { target: `/strict?${query}` });
      const outcome = await raw.outcome;
      raw.destroy();
      expect(outcome).toMatchObject({ kind: 'http', status: 400 });
      const body = (outcome as { body: Buffer }).body;
      const parsed = JSON.parse(body.toString()) as { code: number; errors: unknown[]; errorsOmitted: number };
      expect(parsed.code).toBe(1008);
      expect(body.length).toBeLessThanOrEqual(8 * 1024);
      // as many errors as fit, and the count of the rest
      expect(parsed.errors.length).toBeGreaterThan(10);
      // every key but `q` (26 in base 36), which the DTO declares, is an error
      expect(parsed.errors.length + parsed.errorsOmitted).toBe(1_599);
    } finally {
      await app.close();
    }
  });
});
