import { Catch, Injectable, Logger, UseFilters, UseGuards, type ArgumentsHost, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { BaseWsExceptionFilter, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { IsInt } from 'class-validator';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket, WebSocketServer as WsServer } from 'ws';
import { PendingWsClient, ValidatingWsAdapter, WebSocketExceptionFilter, WsHandshake, getUpgradeRequest, type UpgradeRequestInfo } from '../../../src/index.js';
import { connectWs } from '../../../src/testing/index.js';
import { ApiKeyGuard } from '../../fixtures/api-key.guard.js';

/** A guard written for messages, as on the stock adapter: it reads a token from the message data. */
@Injectable()
class MessageTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const data = context.switchToWs().getData() as { token?: string } | undefined;
    return data?.token === 'ok';
  }
}

@WebSocketGateway({ path: '/plain-guarded' })
@UseGuards(MessageTokenGuard)
class PlainGuardedGateway {
  @SubscribeMessage('secret')
  secret() {
    return { event: 'secret', data: 42 };
  }
}

/** What stock apps do: count and greet in handleConnection; the new client is already among `clients`. */
@WebSocketGateway({ path: '/plain-count' })
class PlainCountingGateway {
  @WebSocketServer() server!: WsServer;
  handleConnection(client: WebSocket) {
    client.send(JSON.stringify({ event: 'count', data: this.server.clients.size }));
  }
}

@Catch()
class RethrowingFilter extends BaseWsExceptionFilter {
  override catch(exception: unknown) {
    throw exception;
  }
}

@WebSocketGateway({ path: '/plain-rethrow' })
@UseFilters(RethrowingFilter)
class PlainRethrowGateway {
  @SubscribeMessage('boom')
  boom() {
    throw new Error('boom');
  }
  @SubscribeMessage('ping')
  ping() {
    return { event: 'pong' };
  }
}

const seenRequests: { phase: string; info: UpgradeRequestInfo }[] = [];
const connectionParams: unknown[] = [];
const disconnects: string[] = [];

@Injectable()
class RecordingApiKeyGuard extends ApiKeyGuard {
  override canActivate(context: ExecutionContext): boolean {
    const client = context.switchToWs().getClient();
    seenRequests.push({ phase: client instanceof PendingWsClient ? 'handshake' : 'message', info: getUpgradeRequest(client) });
    if (client instanceof PendingWsClient) client.send(JSON.stringify({ event: 'from-guard' }));
    return super.canActivate(context);
  }
}

class RoomParams {
  @IsInt() room!: number;
}

@WebSocketGateway({ path: '/rooms/:room' })
@WsHandshake({ params: RoomParams })
@UseGuards(RecordingApiKeyGuard)
@UseFilters(WebSocketExceptionFilter)
class KeyedGateway {
  handleConnection(client: WebSocket, request: IncomingMessage & { params?: unknown }) {
    seenRequests.push({ phase: 'connection', info: getUpgradeRequest(client) });
    connectionParams.push(request.params);
  }
  handleDisconnect(client: WebSocket) {
    seenRequests.push({ phase: 'disconnect', info: getUpgradeRequest(client) });
    disconnects.push(getUpgradeRequest(client).url);
  }
  @SubscribeMessage('echo')
  echo(@MessageBody() text: string) {
    return { event: 'echo', data: text };
  }
}

async function startWith(adapter: 'stock' | 'ours', providers: unknown[], options = {}): Promise<INestApplication> {
  const { Module } = await import('@nestjs/common');
  @Module({ providers: providers as never[] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  app.useWebSocketAdapter(adapter === 'stock' ? new WsAdapter(app) : new ValidatingWsAdapter(app, options));
  await app.listen(0, '127.0.0.1');
  return app;
}

describe.each(['stock', 'ours'] as const)('a gateway without this library’s decorators, on the %s adapter', adapter => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startWith(adapter, [PlainGuardedGateway, PlainCountingGateway]);
  });
  afterAll(() => app.close());

  it('keeps a message-only class guard working: connects, then guards each message', async () => {
    const ws = connectWs(app, '/plain-guarded');
    await ws.opened;
    ws.send('secret', { token: 'ok' });
    expect(await ws.receive()).toEqual({ event: 'secret', data: 42 });
    ws.send('secret', { token: 'wrong' });
    expect(await ws.receive()).toMatchObject({ event: 'exception', data: { status: 'error', message: 'Forbidden resource' } });
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);
    await ws.close();
  });

  it('counts the new client among server.clients in handleConnection, and sends its greeting at once', async () => {
    const first = connectWs(app, '/plain-count');
    expect(await first.receive()).toEqual({ event: 'count', data: 1 });
    const second = connectWs(app, '/plain-count');
    expect(await second.receive()).toEqual({ event: 'count', data: 2 });
    await Promise.all([first.close(), second.close()]);
  });
});

describe('a gateway without this library’s decorators whose filter rethrows', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startWith('ours', [PlainRethrowGateway]);
  });
  afterAll(() => app.close());

  // As the stock adapter does from @nestjs/platform-ws 12.1 on (12.0.x left the socket open but
  // silenced every later message of that client): logged, the socket kept, the next message answered.
  it('keeps the socket open after a filter that rethrows, and answers the next message', async () => {
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const ws = connectWs(app, '/plain-rethrow');
    await ws.opened;
    ws.send('boom');
    ws.send('ping');
    expect(await ws.receive()).toEqual({ event: 'pong' });
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);
    await ws.close();
    logged.mockRestore();
  });
});

describe('an opted-in gateway: one guard for the handshake and every message', () => {
  let app: INestApplication;
  let httpApp: INestApplication;
  beforeAll(async () => {
    app = await startWith('ours', [KeyedGateway]);
    httpApp = await startWith('ours', [KeyedGateway], { handshakeRejection: 'http' });
  });
  afterAll(async () => {
    await app.close();
    await httpApp.close();
  });

  it('the README shows exactly the guard this test runs', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const guard = readFileSync(new URL('../../fixtures/api-key.guard.ts', import.meta.url), 'utf8');
    const body = guard.slice(guard.indexOf('@Injectable()'));
    expect(readme).toContain(body.trim());
  });

  it('refuses at the handshake with 1008 Forbidden resource, never reaching the gateway', async () => {
    disconnects.length = 0;
    expect(await connectWs(app, '/rooms/1').outcome).toMatchObject({ kind: 'closed', code: 1008, reason: 'Forbidden resource' });
    expect(await connectWs(httpApp, '/rooms/1').outcome).toMatchObject({
      kind: 'refused',
      status: 403,
      body: { code: 1008, reason: 'Forbidden resource' },
    });
    expect(disconnects).toEqual([]);
  });

  it('a DTO refusal never reaches handleDisconnect either', async () => {
    disconnects.length = 0;
    const outcome = await connectWs(app, '/rooms/abc', { headers: { 'x-api-key': 'let-me-in' } }).outcome;
    expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
    expect(disconnects).toEqual([]);
  });

  it('getUpgradeRequest gives the same request at the handshake, in handleConnection, for messages and in handleDisconnect', async () => {
    seenRequests.length = 0;
    connectionParams.length = 0;
    const ws = connectWs(app, '/rooms/7?x=1', { headers: { 'x-api-key': 'let-me-in' } });
    // What the guard sent to the pending client arrives once the client is admitted.
    expect(await ws.receive()).toEqual({ event: 'from-guard' });
    ws.send('echo', 'hi');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'hi' });
    await ws.close();
    await new Promise<void>(resolve => {
      const poll = () => (seenRequests.some(seen => seen.phase === 'disconnect') ? resolve() : setImmediate(poll));
      poll();
    });
    expect(seenRequests.map(seen => seen.phase)).toEqual(['handshake', 'connection', 'message', 'disconnect']);
    for (const { info } of seenRequests) {
      expect(Object.keys(info).sort()).toEqual(['headers', 'remoteAddress', 'url']);
      expect(info.url).toBe('/rooms/7?x=1');
      expect(info.headers['x-api-key']).toBe('let-me-in');
      expect(info.remoteAddress).toBe('127.0.0.1');
    }
    // Where Nest's own adapter puts path parameters, for @WsParam().
    expect(connectionParams).toEqual([{ room: '7' }]);
    expect('request' in new PendingWsClient()).toBe(false);
  });
});
