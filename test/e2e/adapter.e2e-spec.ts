import {
  Catch,
  Injectable,
  Module,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import {
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as NetServer, type AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  HandshakeCookies,
  HandshakeHeaders,
  HandshakeParams,
  HandshakeQuery,
  PendingWsClient,
  ValidatingWsAdapter,
  WebSocketException,
  WebSocketExceptionFilter,
  WsHandshake,
  getEndpointContext,
  getHandshake,
  type EndpointContext,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { openConnections, startApp } from '../fixtures/app.js';
import { appPort, settle } from '../fixtures/hostile-raw.js';
import { pollUntil } from '../fixtures/poll-until.js';

/** What the gateways saw, to assert that refused clients never reach them. */
const calls: string[] = [];
const contexts: EndpointContext[] = [];

class ItemParams {
  @Matches(/^[a-z0-9-]+$/) itemId!: string;
}
class ItemQuery {
  @IsInt() q!: number;
  @IsOptional() @IsArray() @IsString({ each: true }) tag?: string[];
  @IsOptional() @IsString() single?: string;
}
class ItemHeaders {
  @IsString() 'x-token'!: string;
}
class SessionCookies {
  @IsString() session!: string;
}

@WebSocketGateway({ path: '/items/:itemId/ws' })
@WsHandshake({ params: ItemParams, query: ItemQuery, headers: ItemHeaders, cookies: SessionCookies })
@UseFilters(WebSocketExceptionFilter)
class ItemsGateway {
  handleConnection(client: WebSocket) {
    calls.push('items:connect');
    const { params, query, rawParams } = getHandshake<ItemParams, ItemQuery>(client);
    client.send(JSON.stringify({ event: 'welcome', data: { params: { ...params }, query: { ...query }, rawParams: { ...rawParams } } }));
  }
  handleDisconnect() {
    calls.push('items:disconnect');
  }
  @SubscribeMessage('whoami')
  whoami(
    @HandshakeParams('itemId') itemId: string,
    @HandshakeQuery() query: ItemQuery,
    @HandshakeHeaders() headers: ItemHeaders,
    @HandshakeCookies('session') session: string,
  ) {
    calls.push('items:message');
    return { event: 'whoami', data: { itemId, q: query.q, isDto: query instanceof ItemQuery, token: headers['x-token'], session } };
  }
}

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const client = context.switchToWs().getClient();
    calls.push(`guard:${client instanceof PendingWsClient ? 'pending' : 'socket'}`);
    const token = getHandshake(client).query.token;
    if (token === 'throw-ws') throw new WebSocketException(4403, 'Bad token');
    if (token === 'throw-error') throw new Error('guard secret');
    return token === 'good';
  }
}

@WebSocketGateway({ path: '/guarded' })
@WsHandshake()
@UseGuards(TokenGuard)
@UseFilters(WebSocketExceptionFilter)
class GuardedGateway {
  handleConnection() {
    calls.push('guarded:connect');
  }
  @SubscribeMessage('ping')
  ping() {
    return { event: 'pong' };
  }
}

@Catch()
class RecordingFilter extends WebSocketExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    contexts.push(getEndpointContext(host)!);
    super.catch(exception, host);
  }
}

@WebSocketGateway({ path: '/throws' })
@UseFilters(RecordingFilter)
class ThrowingGateway {
  handleConnection(client: WebSocket, request: { url: string }) {
    if (request.url.endsWith('?throw')) throw new WebSocketException(4000, 'sync refusal');
    if (request.url.endsWith('?secret')) throw new Error('connection secret');
    if (request.url.endsWith('?reject')) return Promise.reject(new WebSocketException(4001, 'async refusal'));
    // Settles once five messages have reached the socket, and a few event-loop turns later: time
    // enough for a message the adapter failed to hold to reach the handler first.
    if (request.url.includes('slow')) return messagesReceived(client, 5).then(() => settle()).then(() => calls.push('slow:ready'));
  }
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    calls.push(`slow:echo:${String(data)}`);
    return { event: 'echo', data };
  }
}

@ValidatorConstraint({ name: 'knownToken', async: true })
class KnownToken implements ValidatorConstraintInterface {
  async validate(value: unknown) {
    await new Promise(resolve => setImmediate(resolve));
    return value === 'known';
  }
}
class AsyncHeaders {
  @Validate(KnownToken) 'x-token'!: string;
}

/** An async constraint takes the handshake off the synchronous path; it must still hold. */
@WebSocketGateway({ path: '/async-dto' })
@WsHandshake({ headers: AsyncHeaders, query: ItemQuery })
@UseFilters(WebSocketExceptionFilter)
class AsyncDtoGateway {
  handleConnection(client: WebSocket) {
    const { headers, query } = getHandshake<object, ItemQuery, AsyncHeaders>(client);
    client.send(JSON.stringify({ event: 'welcome', data: { token: headers['x-token'], q: query.q } }));
  }
}

/** A stock-style gateway: no filters, no DTOs. Must behave as on WsAdapter. */
@WebSocketGateway({ path: '/plain' })
class PlainGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }
  @SubscribeMessage('fail')
  fail() {
    throw new WsException('nope');
  }
  @SubscribeMessage('raw')
  raw(@ConnectedSocket() client: WebSocket) {
    client.send('raw-reply');
  }
}

@WebSocketGateway(0, { path: '/echo' })
class SecondEchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo2', data };
  }
}

const providers = [AsyncDtoGateway, ItemsGateway, GuardedGateway, ThrowingGateway, PlainGateway, SecondEchoGateway, TokenGuard, RecordingFilter];
const validItem = {
  query: { q: '3' },
  headers: { 'X-Token': 'tok' },
  cookies: { session: 'abc' },
};

function reasonJson(outcome: unknown): unknown {
  return JSON.parse((outcome as { reason: string }).reason);
}

describe('ValidatingWsAdapter', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ providers });
  });
  afterAll(() => app.close());
  afterEach(() => {
    calls.length = 0;
    contexts.length = 0;
  });

  describe('path patterns and handshake DTOs', () => {
    it('matches a path parameter and hands validated DTOs to handleConnection and message handlers', async () => {
      const ws = connectWs(app, '/items/abc-1/ws', validItem);
      expect(await ws.receive()).toEqual({
        event: 'welcome',
        data: { params: { itemId: 'abc-1' }, query: { q: 3 }, rawParams: { itemId: 'abc-1' } },
      });
      ws.send('whoami');
      expect(await ws.receive()).toEqual({
        event: 'whoami',
        data: { itemId: 'abc-1', q: 3, isDto: true, token: 'tok', session: 'abc' },
      });
      await ws.close();
    });

    it('decodes percent-encoded path parameters and keeps the raw one', async () => {
      const ws = connectWs(app, '/items/a%2Db/ws', validItem);
      const welcome = (await ws.receive()) as { data: { params: { itemId: string } } };
      expect(welcome.data.params.itemId).toBe('a-b');
      await ws.close();
    });

    it('gives a repeated query key as an array to an array property and its last value to a scalar', async () => {
      const ws = connectWs(app, '/items/x/ws?tag=a&tag=b&single=1&single=2&q=1&q=5', {
        headers: validItem.headers,
        cookies: validItem.cookies,
      });
      const welcome = (await ws.receive()) as { data: { query: Record<string, unknown> } };
      expect(welcome.data.query).toEqual({ q: 5, tag: ['a', 'b'], single: '2' });
      await ws.close();
    });

    it('reports every failing source at once, FastAPI style, as much as 123 bytes hold', async () => {
      const expected = [
        ['matches', ['path', 'itemId']],
        ['isInt', ['query', 'q']],
        ['missing', ['header', 'x-token']],
        ['missing', ['cookie', 'session']],
      ];
      const outcome = await connectWs(app, '/items/BAD!/ws?q=abc').outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
      expect(Buffer.byteLength((outcome as { reason: string }).reason)).toBeLessThanOrEqual(123);
      const items = reasonJson(outcome) as { type: string; loc: string[] }[];
      expect(items.length).toBeGreaterThanOrEqual(2);
      expect(items.map(item => [item.type, item.loc])).toEqual(expected.slice(0, items.length));
      expect(contexts).toEqual([]);
      expect(calls).toEqual([]);
      // An HTTP body has no such limit: every error is there.
      const httpApp = await startApp({ providers: [ItemsGateway] }, { handshakeRejection: 'http' });
      try {
        const refused = await connectWs(httpApp, '/items/BAD!/ws?q=abc').outcome;
        const body = (refused as { body: { errors: { type: string; loc: string[] }[] } }).body;
        expect(body.errors.map(item => [item.type, item.loc])).toEqual(expected);
      } finally {
        await httpApp.close();
      }
    });

    it('runs async constraints before admitting, and reports every source', async () => {
      const ws = connectWs(app, '/async-dto?q=4', { headers: { 'x-token': 'known' } });
      expect(await ws.receive()).toEqual({ event: 'welcome', data: { token: 'known', q: 4 } });
      await ws.close();
      const outcome = await connectWs(app, '/async-dto?q=x', { headers: { 'x-token': 'stranger' } }).outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
      expect((reasonJson(outcome) as { type: string; loc: string[] }[]).map(item => [item.type, item.loc])).toEqual([
        ['isInt', ['query', 'q']],
        ['knownToken', ['header', 'x-token']],
      ]);
    });

    it('answers a validation failure with HTTP 400 and every error in http mode', async () => {
      const httpApp = await startApp({ providers }, { handshakeRejection: 'http' });
      try {
        const outcome = await connectWs(httpApp, '/items/x/ws?q=abc', { headers: validItem.headers, cookies: validItem.cookies }).outcome;
        expect(outcome).toMatchObject({ kind: 'refused', status: 400 });
        const body = (outcome as { body: { code: number; reason: string; errors: unknown[] } }).body;
        expect(body.code).toBe(1008);
        expect(JSON.parse(body.reason)).toEqual([{ type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' }]);
        expect(body.errors).toEqual([{ type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' }]);
        expect(await connectWs(httpApp, '/guarded?token=no').outcome).toMatchObject({ kind: 'refused', status: 403, body: { code: 1008, reason: 'Forbidden resource' } });
        expect(await connectWs(httpApp, '/guarded?token=throw-ws').outcome).toMatchObject({ kind: 'refused', status: 403, body: { code: 4403 } });
        expect(await connectWs(httpApp, '/guarded?token=throw-error').outcome).toMatchObject({
          kind: 'refused',
          status: 500,
          body: { code: 1011, reason: 'Internal Server Error' },
        });
        expect(calls.filter(call => !call.startsWith('guard:'))).toEqual([]);
      } finally {
        await httpApp.close();
      }
    });
  });

  describe('class guards at the handshake', () => {
    it('admits when the guard allows, with a pending client in the guard', async () => {
      const ws = connectWs(app, '/guarded?token=good');
      await ws.opened;
      ws.send('ping');
      expect(await ws.receive()).toEqual({ event: 'pong' });
      await ws.close();
      // once at the handshake, once more for the message (Nest runs class guards per message too)
      expect(calls).toEqual(['guard:pending', 'guarded:connect', 'guard:socket']);
    });

    it('closes with 1008 Forbidden when the guard refuses', async () => {
      expect(await connectWs(app, '/guarded?token=no').outcome).toMatchObject({ kind: 'closed', code: 1008, reason: 'Forbidden resource' });
      expect(calls).toEqual(['guard:pending']);
    });

    it('sends a guard exception through the filters', async () => {
      expect(await connectWs(app, '/guarded?token=throw-ws').outcome).toMatchObject({ kind: 'closed', code: 4403, reason: 'Bad token' });
      const outcome = await connectWs(app, '/guarded?token=throw-error').outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1011, reason: 'Internal Server Error' });
      expect(calls).toEqual(['guard:pending', 'guard:pending']);
    });
  });

  describe('errors in handleConnection', () => {
    it.each([
      ['throw', 4000, 'sync refusal'],
      ['reject', 4001, 'async refusal'],
      ['secret', 1011, 'Internal Server Error'],
    ])('closes a handleConnection that does %s with its code and names the connection phase', async (kind, code, reason) => {
      const outcome = await connectWs(app, `/throws?${kind}`).outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code, reason });
      expect(contexts).toEqual([
        expect.objectContaining({ gateway: ThrowingGateway, function: 'ThrowingGateway.handleConnection', phase: 'connection', path: 'WS /throws' }),
      ]);
      // and the process is alive: the next client is served
      const ws = connectWs(app, '/throws');
      await ws.opened;
      ws.send('echo', 'still here');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'still here' });
      await ws.close();
    });

    it('holds messages sent before admission and delivers them after it, in order', async () => {
      const ws = connectWs(app, '/throws?slow');
      await ws.opened;
      for (let i = 0; i < 5; i++) ws.send('echo', i);
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await ws.receive());
      expect(replies).toEqual([0, 1, 2, 3, 4].map(data => ({ event: 'echo', data })));
      expect(calls).toEqual(['slow:ready', ...[0, 1, 2, 3, 4].map(i => `slow:echo:${i}`)]);
      await ws.close();
    });
  });

  describe('refused clients never reach the gateway', () => {
    it('calls neither handleConnection, handleDisconnect nor a message handler', async () => {
      const ws = connectWs(app, '/items/x/ws?q=abc', { headers: validItem.headers, cookies: validItem.cookies });
      ws.socket.on('open', () => ws.send('whoami'));
      expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1008 });
      // The server read the refused client's message before its close reply; a valid client's
      // round trip to the same gateway afterwards shows what reached the gateway meanwhile.
      const valid = connectWs(app, '/items/x/ws', validItem);
      await valid.receive();
      valid.send('whoami');
      await valid.receive();
      expect(calls).toEqual(['items:connect', 'items:message']);
      await valid.close();
    });
  });

  describe('routing', () => {
    it('answers 404 for a path no gateway serves', async () => {
      expect(await connectWs(app, '/nope').outcome).toMatchObject({ kind: 'refused', status: 404 });
    });

    it('answers 400 for malformed percent-encoding in a path parameter', async () => {
      expect(await connectWs(app, '/items/%E0%A4%A/ws', validItem).outcome).toMatchObject({ kind: 'refused', status: 400 });
    });

    it('answers 500 when an origin predicate throws, and keeps serving', async () => {
      const originApp = await startApp(
        { providers: [PlainGateway] },
        {
          allowedOrigins: () => {
            throw new Error('predicate secret');
          },
        },
      );
      try {
        const outcome = await connectWs(originApp, '/plain', { origin: 'https://a.example' }).outcome;
        expect(outcome).toEqual({ kind: 'refused', status: 500, body: { code: null, reason: 'Internal Server Error' } });
      } finally {
        await originApp.close();
      }
    });

    it('serves several gateways on one server, each its own path', async () => {
      const first = connectWs(app, '/plain');
      const second = connectWs(app, '/echo');
      await Promise.all([first.opened, second.opened]);
      first.send('echo', 1);
      second.send('echo', 2);
      expect(await first.receive()).toEqual({ event: 'echo', data: 1 });
      expect(await second.receive()).toEqual({ event: 'echo2', data: 2 });
      await Promise.all([first.close(), second.close()]);
    });

    it('leaves an unknown path to another upgrade listener on the same server', async () => {
      const other = new WebSocketServer({ noServer: true });
      const server = app.getHttpServer() as Server;
      const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (request.url === '/other') other.handleUpgrade(request, socket, head, ws => ws.close(4100, 'other listener'));
      };
      server.on('upgrade', listener);
      try {
        expect(await connectWs(app, '/other').outcome).toMatchObject({ kind: 'closed', code: 4100, reason: 'other listener' });
      } finally {
        server.off('upgrade', listener);
        other.close();
      }
    });
  });

  describe('drop-in for WsAdapter', () => {
    it('keeps stock behaviour for a gateway without filters: an exception message, the socket open', async () => {
      const ws = connectWs(app, '/plain');
      await ws.opened;
      ws.send('fail');
      expect(await ws.receive()).toMatchObject({ event: 'exception', data: { status: 'error', message: 'nope' } });
      ws.send('raw');
      expect(await ws.receive()).toBe('raw-reply');
      ws.send('unknown-event');
      ws.sendRaw('not json');
      ws.send('echo', 'after');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'after' });
      await ws.close();
    });

    it('serves a gateway on a port of its own', async () => {
      // A gateway's own port is fixed when its class is declared. Rather than guess a free port and
      // reuse it, the server created for the declared port listens on one the OS picks (port 0).
      const DECLARED_PORT = 1;
      const listen = NetServer.prototype.listen;
      const ownServers: NetServer[] = [];
      const redirect = vi.spyOn(NetServer.prototype, 'listen').mockImplementation(function (this: NetServer, ...args: unknown[]) {
        if (args[0] !== DECLARED_PORT) return listen.apply(this, args as never);
        ownServers.push(this);
        return listen.apply(this, [0, '127.0.0.1'] as never);
      });
      @WebSocketGateway(DECLARED_PORT, { path: '/own' })
      class OwnPortGateway {
        @SubscribeMessage('echo')
        echo(@MessageBody() data: unknown) {
          return { event: 'echo', data };
        }
      }
      let ownApp: INestApplication;
      try {
        ownApp = await startApp({ providers: [OwnPortGateway] });
      } finally {
        redirect.mockRestore();
      }
      try {
        expect(ownServers).toHaveLength(1);
        const ownServer = ownServers[0]!;
        if (!ownServer.listening) await once(ownServer, 'listening');
        const { port } = ownServer.address() as AddressInfo;
        expect(port).not.toBe(appPort(ownApp));
        const ws = connectWs(`ws://127.0.0.1:${port}`, '/own');
        await ws.opened;
        ws.send('echo', 'own');
        expect(await ws.receive()).toEqual({ event: 'echo', data: 'own' });
        await ws.close();
        expect(await connectWs(`ws://127.0.0.1:${port}`, '/elsewhere').outcome).toMatchObject({ kind: 'refused', status: 404 });
      } finally {
        await ownApp.close();
      }
    });

    it('closes on an unknown event with 1003 when unknownEvent is close', async () => {
      const strictApp = await startApp({ providers: [PlainGateway] }, { unknownEvent: 'close' });
      try {
        const ws = connectWs(strictApp, '/plain');
        await ws.opened;
        ws.send('echo', 'known');
        expect(await ws.receive()).toEqual({ event: 'echo', data: 'known' });
        ws.send('no-such-event');
        expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1003, reason: 'Unknown event' });
      } finally {
        await strictApp.close();
      }
    });

    it('honours setMessageParser() called after clients have connected', async () => {
      @Module({ providers: [PlainGateway] })
      class ParserModule {}
      const parserApp = await NestFactory.create(ParserModule, { logger: false });
      const adapter = new ValidatingWsAdapter(parserApp);
      parserApp.useWebSocketAdapter(adapter);
      await parserApp.listen(0, '127.0.0.1');
      try {
        const ws = connectWs(parserApp, '/plain');
        await ws.opened;
        ws.send('echo', 'json');
        expect(await ws.receive()).toEqual({ event: 'echo', data: 'json' });
        adapter.setMessageParser(data => ({ event: 'echo', data: `late:${data.toString()}` }));
        ws.sendRaw('plain text');
        expect(await ws.receive()).toEqual({ event: 'echo', data: 'late:plain text' });
        await ws.close();
      } finally {
        await parserApp.close();
      }
    });

    it('uses a custom messageParser', async () => {
      const parserApp = await startApp(
        { providers: [PlainGateway] },
        { messageParser: data => ({ event: 'echo', data: `parsed:${data.toString()}` }) },
      );
      try {
        const ws = connectWs(parserApp, '/plain');
        await ws.opened;
        ws.sendRaw('hello');
        expect(await ws.receive()).toEqual({ event: 'echo', data: 'parsed:hello' });
        await ws.close();
      } finally {
        await parserApp.close();
      }
    });
  });

  describe('prototype keys', () => {
    it('keeps __proto__, constructor and prototype as plain data and never pollutes Object.prototype', async () => {
      const before = Object.getOwnPropertyNames(Object.prototype).sort();
      const ws = connectWs(app, '/items/x/ws?q=1&__proto__=polluted&constructor=c&prototype=p&__proto__[polluted]=1', {
        headers: { ...validItem.headers, cookie: 'session=abc; __proto__=x; constructor=y; prototype=z' },
      });
      const welcome = (await ws.receive()) as { data: { query: Record<string, unknown> } };
      // Without whitelisting, unknown keys stay on the DTO as plain data; the prototype ones never reach it.
      expect(welcome.data.query).toEqual({ q: 1, '__proto__[polluted]': '1' });
      expect(getPrototypeKeys(welcome.data.query)).toEqual([]);
      ws.send('whoami');
      expect(await ws.receive()).toMatchObject({ data: { session: 'abc' } });
      await ws.close();
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('rejects prototype keys in the query with forbidNonWhitelisted', async () => {
      const strictApp = await startApp({ providers: [ItemsGateway] }, { validatorOptions: { whitelist: true, forbidNonWhitelisted: true } });
      try {
        const outcome = await connectWs(strictApp, '/items/x/ws?q=1&__proto__=x', validItem).outcome;
        expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
        expect(reasonJson(outcome)).toEqual([expect.objectContaining({ type: 'whitelistValidation', loc: ['query', '__proto__'] })]);
      } finally {
        await strictApp.close();
      }
    });
  });

  describe('resources', () => {
    it('leaves no sockets or timers behind after thousands of rejected handshakes', async () => {
      const countOf = (kind: string) => process.getActiveResourcesInfo().filter(resource => resource === kind).length;
      const baseline = { sockets: countOf('TCPSocketWrap'), timers: countOf('Timeout') };
      const total = 2_000;
      const concurrency = 50;
      let next = 0;
      const codes = new Map<number, number>();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            const i = next++;
            const outcome = await connectWs(app, i % 2 ? '/items/x/ws?q=abc' : '/guarded?token=no').outcome;
            const code = outcome.kind === 'closed' ? outcome.code : outcome.status;
            codes.set(code, (codes.get(code) ?? 0) + 1);
          }
        }),
      );
      expect(Object.fromEntries(codes)).toEqual({ 1008: total });
      await pollUntil(() => {
        expect(countOf('TCPSocketWrap')).toBeLessThanOrEqual(baseline.sockets);
        expect(countOf('Timeout')).toBeLessThanOrEqual(baseline.timers);
      });
      expect(await openConnections(app)).toBe(0);
    }, 60_000);
  });
});

function getPrototypeKeys(value: object): string[] {
  return Object.keys(value).filter(key => ['__proto__', 'constructor', 'prototype'].includes(key));
}

/** Resolves once `count` messages have reached the socket (counted, not awaited one by one: ws may emit several in one tick). */
function messagesReceived(client: WebSocket, count: number): Promise<void> {
  return new Promise(resolve => {
    let seen = 0;
    const onMessage = () => {
      if (++seen < count) return;
      client.off('message', onMessage);
      resolve();
    };
    client.on('message', onMessage);
  });
}

