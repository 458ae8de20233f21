import { Module, UseFilters, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ThrottlerModule } from '@nestjs/throttler';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ValidatingWsAdapter, WebSocketExceptionFilter, WsHandshake, type ValidatingWsAdapterOptions } from '../../src/index.js';
import { baseUrl, connectWs, WsTestConnection, type WsOutcome } from '../../src/testing/index.js';
import { WsThrottlerGuard } from '../fixtures/ws-throttler.guard.js';
import { codeBlocks, readme } from '../fixtures/readme-snippets.js';

const LIMIT = 3;
const TOO_MANY: WsOutcome = { kind: 'closed', code: 4429, reason: 'ThrottlerException: Too Many Requests', wasClean: true, allowReconnect: false };

@WebSocketGateway({ path: '/chat' })
@WsHandshake({})
@UseGuards(WsThrottlerGuard)
@UseFilters(WebSocketExceptionFilter)
class ChatGateway {
  @SubscribeMessage('ping')
  ping() {
    return { event: 'pong' };
  }
}

/** One app per test: the throttler's in-memory storage starts empty. */
async function startThrottledApp(options?: ValidatingWsAdapterOptions): Promise<INestApplication> {
  @Module({ imports: [ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: LIMIT }] })], providers: [ChatGateway] })
  class ChatModule {}
  const app = await NestFactory.create(ChatModule, { logger: false });
  app.useWebSocketAdapter(new ValidatingWsAdapter(app, options));
  await app.listen(0, '127.0.0.1');
  return app;
}

/** A client from another loopback address: another tracker for the throttler. */
function connectFrom(app: INestApplication, localAddress: string): WsTestConnection {
  return new WsTestConnection(new WebSocket(`${baseUrl(app)}/chat`, { localAddress }), 5_000);
}

describe("@nestjs/throttler's ThrottlerGuard as a gateway's class guard (the README's WsThrottlerGuard)", () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('admits LIMIT connections from an address, then closes the next with 4429', async () => {
    app = await startThrottledApp();
    const admitted: WsTestConnection[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const ws = connectWs(app, '/chat');
      await ws.opened;
      admitted.push(ws);
    }
    expect(await connectWs(app, '/chat').outcome).toEqual(TOO_MANY);
    expect(await connectWs(app, '/chat').outcome).toEqual(TOO_MANY);

    // Keyed by the client's address: another address still gets in, and is answered.
    const other = connectFrom(app, '127.0.0.2');
    await other.opened;
    other.send('ping');
    expect(await other.receive()).toEqual({ event: 'pong' });
    for (const ws of [...admitted, other]) expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  });

  it("refuses the flood with HTTP 429 and { code: 4429, reason } in 'http' mode", async () => {
    app = await startThrottledApp({ handshakeRejection: 'http' });
    for (let i = 0; i < LIMIT; i++) {
      const ws = connectWs(app, '/chat');
      await ws.opened;
      await ws.close();
    }
    expect(await connectWs(app, '/chat').outcome).toEqual({
      kind: 'refused',
      status: 429,
      body: { code: 4429, reason: 'ThrottlerException: Too Many Requests' },
    });
  });

  it('answers LIMIT messages from an address, then closes on the next with 4429', async () => {
    app = await startThrottledApp();
    const ws = connectWs(app, '/chat');
    await ws.opened;
    for (let i = 0; i < LIMIT; i++) {
      ws.send('ping');
      expect(await ws.receive()).toEqual({ event: 'pong' });
    }
    ws.send('ping');
    expect(await ws.outcome).toEqual(TOO_MANY);
  });

  it("is the README's guard, word for word", () => {
    const guard = readFileSync(new URL('../fixtures/ws-throttler.guard.ts', import.meta.url), 'utf8');
    expect(codeBlocks(readme, 'ts')).toContain(guard);
  });
});
