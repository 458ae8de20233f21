import { Injectable, UseFilters, UseGuards, type CanActivate, type ExecutionContext, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsInt, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import {
  getUpgradeRequest,
  WebSocketException,
  WebSocketExceptionFilter,
  WsHandshake,
  type ValidatingWsAdapterOptions,
} from '../../../src/index.js';
import { connectWs, type WsConnectOptions, type WsOutcome } from '../../../src/testing/index.js';
import { useAppBehindNginx } from '../../fixtures/app-behind-nginx.js';
// The README's guard (Rate limits), keyed on getUpgradeRequest(client).remoteAddress.
import { WsThrottlerGuard } from '../../fixtures/ws-throttler.guard.js';

/**
 * The adapter behind a real nginx (Debian's, started by the test with a production-style
 * config): what a client learns of a refusal or an error must be what it learns when it
 * connects directly, and the address guards see is the real client's only when the proxy is
 * trusted. Loopback has room for several hosts: nginx connects to the app from 127.0.0.2
 * (`proxy_bind`), and clients connect from 127.0.0.3 and 127.0.0.4.
 */

/** What guards saw: the resolved address and the header as the app received it. */
const seenByGuard: { remoteAddress: string | undefined; forwardedFor: string | undefined }[] = [];

class SeatQuery {
  @IsInt() @Min(1) seat!: number;
}

@Injectable()
class AddressGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { remoteAddress, headers } = getUpgradeRequest(context.switchToWs().getClient());
    seenByGuard.push({ remoteAddress, forwardedFor: headers['x-forwarded-for'] as string | undefined });
    return !getUpgradeRequest(context.switchToWs().getClient()).url.includes('deny');
  }
}

@WebSocketGateway({ path: '/rooms/:room/ws' })
@WsHandshake({ query: SeatQuery })
@UseGuards(AddressGuard)
@UseFilters(WebSocketExceptionFilter)
class RoomGateway {
  handleConnection(client: WebSocket) {
    const { remoteAddress, headers } = getUpgradeRequest(client);
    client.send(JSON.stringify({ event: 'welcome', data: { remoteAddress, forwardedFor: headers['x-forwarded-for'] } }));
  }
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }
  @SubscribeMessage('leave')
  leave() {
    throw new WebSocketException(4001, 'Left the room: ünïcode survives the proxy');
  }
}

@WebSocketGateway({ path: '/throttled' })
@WsHandshake({})
@UseGuards(WsThrottlerGuard)
@UseFilters(WebSocketExceptionFilter)
class ThrottledGateway {
  handleConnection(client: WebSocket) {
    client.send(JSON.stringify({ event: 'welcome', data: getUpgradeRequest(client).remoteAddress }));
  }
}

const metadata: ModuleMetadata = {
  imports: [ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: 2 }] })],
  providers: [RoomGateway, AddressGuard, ThrottledGateway, WsThrottlerGuard],
};

/** The welcome message of an admitted client, then a clean close. */
async function welcome(target: INestApplication | string, path: string, options: WsConnectOptions = {}): Promise<unknown> {
  const ws = connectWs(target, path, options);
  const message = await ws.receive();
  expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  return message;
}

/** How a connection ended, without waiting for anything else. */
async function outcomeOf(target: INestApplication | string, path: string, options: WsConnectOptions = {}): Promise<WsOutcome> {
  return connectWs(target, path, options).outcome;
}

const FORGED = '198.51.100.9';

describe("close mode behind nginx, trustProxy: nginx's address only", () => {
  const origin = 'https://app.example';

  const setup = useAppBehindNginx(metadata, { trustProxy: '127.0.0.2', allowedOrigins: [origin] }, { bindAddress: '127.0.0.2' });

  it('an error in a handler arrives as the same close code and UTF-8 reason through nginx', async () => {
    for (const target of [setup.app, setup.proxy.url]) {
      const ws = connectWs(target, '/rooms/a/ws?seat=1', { origin });
      await ws.receive();
      ws.send('echo', 'through');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'through' });
      ws.send('leave');
      expect(await ws.outcome).toEqual({ kind: 'closed', code: 4001, reason: 'Left the room: ünïcode survives the proxy', wasClean: true, allowReconnect: false });
    }
  });

  it('a handshake validation failure arrives as 1008 with its JSON reason, as it does directly', async () => {
    const direct = await outcomeOf(setup.app, '/rooms/a/ws?seat=0', { origin });
    const proxied = await outcomeOf(setup.proxy.url, '/rooms/a/ws?seat=0', { origin });
    expect(proxied).toEqual(direct);
    expect(proxied).toMatchObject({ kind: 'closed', code: 1008, wasClean: true });
    expect(JSON.parse((proxied as { reason: string }).reason)).toEqual([
      { type: 'min', loc: ['query', 'seat'], msg: 'seat must not be less than 1', input: '0' },
    ]);
  });

  it('a guard refusal arrives as 1008 with its reason through nginx, as it does directly', async () => {
    const direct = await outcomeOf(setup.app, '/rooms/a/ws?seat=1&deny', { origin });
    expect(direct).toEqual({ kind: 'closed', code: 1008, reason: 'Forbidden resource', wasClean: true, allowReconnect: false });
    expect(await outcomeOf(setup.proxy.url, '/rooms/a/ws?seat=1&deny', { origin })).toEqual(direct);
  });

  it('allowedOrigins refuses a foreign Origin with 403 through nginx and admits the allowed one', async () => {
    const refused = { kind: 'refused', status: 403, body: { code: null, reason: 'Origin not allowed' } };
    expect(await outcomeOf(setup.proxy.url, '/rooms/a/ws?seat=1', { origin: 'https://evil.example' })).toEqual(refused);
    expect(await outcomeOf(setup.proxy.url, '/rooms/a/ws?seat=1', { origin: 'https://app.example.evil.example' })).toEqual(refused);
    expect(await welcome(setup.proxy.url, '/rooms/a/ws?seat=1', { origin })).toMatchObject({ event: 'welcome' });
  });

  it("through nginx the guard sees the client nginx saw, not what the client wrote in X-Forwarded-For", async () => {
    seenByGuard.length = 0;
    const message = await welcome(setup.proxy.url, '/rooms/a/ws?seat=1', { origin, localAddress: '127.0.0.3', headers: { 'x-forwarded-for': FORGED } });
    // nginx appends the peer it saw to what the client sent.
    expect(message).toEqual({ event: 'welcome', data: { remoteAddress: '127.0.0.3', forwardedFor: `${FORGED}, 127.0.0.3` } });
    expect(seenByGuard).toEqual([{ remoteAddress: '127.0.0.3', forwardedFor: `${FORGED}, 127.0.0.3` }]);
  });

  it('a direct client that forges X-Forwarded-For is not believed: its peer is not the trusted proxy', async () => {
    seenByGuard.length = 0;
    const message = await welcome(setup.app, '/rooms/a/ws?seat=1', { origin, localAddress: '127.0.0.4', headers: { 'x-forwarded-for': `${FORGED}, 127.0.0.2` } });
    expect(message).toEqual({ event: 'welcome', data: { remoteAddress: '127.0.0.4', forwardedFor: `${FORGED}, 127.0.0.2` } });
    expect(seenByGuard).toEqual([{ remoteAddress: '127.0.0.4', forwardedFor: `${FORGED}, 127.0.0.2` }]);
  });

  it('a throttler keyed on the resolved address limits each client behind nginx on its own, forged headers or not', async () => {
    const via = (localAddress: string, forged?: string) =>
      outcomeOfWelcome(setup.proxy.url, { origin, localAddress, ...(forged ? { headers: { 'x-forwarded-for': forged } } : {}) });
    expect(await via('127.0.0.3')).toEqual({ admitted: '127.0.0.3' });
    expect(await via('127.0.0.3', '203.0.113.1')).toEqual({ admitted: '127.0.0.3' });
    // The third handshake of 127.0.0.3 within the window, whatever it claims to be.
    expect(await via('127.0.0.3', '203.0.113.2')).toEqual({ refused: { kind: 'closed', code: 4429, reason: 'ThrottlerException: Too Many Requests', wasClean: true, allowReconnect: false } });
    // Another client behind the same nginx has a budget of its own.
    expect(await via('127.0.0.4')).toEqual({ admitted: '127.0.0.4' });
  });
});

async function outcomeOfWelcome(target: string, options: WsConnectOptions): Promise<{ admitted: unknown } | { refused: WsOutcome }> {
  const ws = connectWs(target, '/throttled', options);
  try {
    await ws.opened;
  } catch {
    return { refused: await ws.outcome };
  }
  const first = await Promise.race([ws.receive().then(message => ({ message })), ws.outcome.then(outcome => ({ outcome }))]);
  if ('outcome' in first) return { refused: first.outcome };
  await ws.close();
  return { admitted: (first.message as { data: unknown }).data };
}

describe("http mode behind nginx, trustProxy: 'loopback'", () => {

  const setup = useAppBehindNginx(metadata, { trustProxy: 'loopback', handshakeRejection: 'http', allowedOrigins: [/^https:\/\/app\.example$/] });

  it.each([
    ['a validation failure: 400 with every error', '/rooms/a/ws?seat=x', 'https://app.example', 400],
    ['a guard refusal: 403', '/rooms/a/ws?seat=1&deny', 'https://app.example', 403],
    ['a path no gateway serves: 404', '/nowhere', 'https://app.example', 404],
    ['a foreign Origin: 403', '/rooms/a/ws?seat=1', 'https://evil.example', 403],
  ])('%s, with the same JSON body through nginx as directly', async (_name, path, origin, status) => {
    const direct = await outcomeOf(setup.app, path, { origin });
    const proxied = await outcomeOf(setup.proxy.url, path, { origin });
    expect(direct).toMatchObject({ kind: 'refused', status });
    expect(proxied).toEqual(direct);
  });

  it('the 400 body carries the validation errors through nginx', async () => {
    expect(await outcomeOf(setup.proxy.url, '/rooms/a/ws?seat=x', { origin: 'https://app.example' })).toEqual({
      kind: 'refused',
      status: 400,
      body: {
        code: 1008,
        reason: expect.any(String),
        errors: [
          { type: 'min', loc: ['query', 'seat'], msg: 'seat must not be less than 1', input: 'x' },
          { type: 'isInt', loc: ['query', 'seat'], msg: 'seat must be an integer number', input: 'x' },
        ],
      },
    });
  });

  it("every loopback hop is trusted: the guard sees the left-most address, and nginx appended the client's own", async () => {
    const origin = 'https://app.example';
    seenByGuard.length = 0;
    expect(await welcome(setup.proxy.url, '/rooms/a/ws?seat=1', { origin, localAddress: '127.0.0.3' })).toEqual({
      event: 'welcome',
      data: { remoteAddress: '127.0.0.3', forwardedFor: '127.0.0.3' },
    });
    // 127.0.0.3 is itself a loopback hop, hence trusted: what it wrote is believed. The preset
    // is for a proxy on the same host, where clients do not connect from loopback.
    expect(await welcome(setup.proxy.url, '/rooms/a/ws?seat=1', { origin, localAddress: '127.0.0.3', headers: { 'x-forwarded-for': FORGED } })).toEqual({
      event: 'welcome',
      data: { remoteAddress: FORGED, forwardedFor: `${FORGED}, 127.0.0.3` },
    });
    expect(seenByGuard.map(seen => seen.remoteAddress)).toEqual(['127.0.0.3', FORGED]);
  });
});

describe.each<[string, ValidatingWsAdapterOptions['trustProxy'], { viaNginx: string; directForged: string }]>([
  // Off: nginx's own address, and the header is ignored whoever sends it.
  ['trustProxy off (the default)', undefined, { viaNginx: '127.0.0.2', directForged: '127.0.0.4' }],
  // One hop: right behind nginx, but a client that reaches the app directly is that hop and is believed.
  ['trustProxy: 1 (one hop)', 1, { viaNginx: '127.0.0.3', directForged: FORGED }],
  // A predicate sees each hop from the server inwards.
  ['trustProxy: a predicate', (address: string, hop: number) => hop === 0 && address === '127.0.0.2', { viaNginx: '127.0.0.3', directForged: '127.0.0.4' }],
])('%s', (_name, trustProxy, expected) => {

  const setup = useAppBehindNginx(metadata, trustProxy === undefined ? {} : { trustProxy }, { bindAddress: '127.0.0.2' });

  it(`via nginx from 127.0.0.3 with a forged header: ${expected.viaNginx}; directly from 127.0.0.4 with one: ${expected.directForged}`, async () => {
    const viaNginx = await welcome(setup.proxy.url, '/rooms/a/ws?seat=1', { localAddress: '127.0.0.3', headers: { 'x-forwarded-for': FORGED } });
    expect(viaNginx).toEqual({ event: 'welcome', data: { remoteAddress: expected.viaNginx, forwardedFor: `${FORGED}, 127.0.0.3` } });
    const direct = await welcome(setup.app, '/rooms/a/ws?seat=1', { localAddress: '127.0.0.4', headers: { 'x-forwarded-for': FORGED } });
    expect(direct).toEqual({ event: 'welcome', data: { remoteAddress: expected.directForged, forwardedFor: FORGED } });
  });
});
