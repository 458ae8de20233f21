import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { getUpgradeRequest, ValidatingWsAdapter, WsErrorsModule, type WsErrorsOptions } from '../../../src/index.js';
import { connectWs } from '../../../src/testing/index.js';
import { startApp } from '../../fixtures/app.js';

/**
 * `trustProxy` wiring without a proxy: loopback has room for a "proxy" (127.0.0.2) and a
 * "client" (127.0.0.3) that write X-Forwarded-For themselves.
 */

const disconnects: (string | undefined)[] = [];

@WebSocketGateway({ path: '/whoami' })
class WhoAmIGateway {
  handleConnection(client: WebSocket) {
    client.send(JSON.stringify({ event: 'connected', data: getUpgradeRequest(client).remoteAddress }));
  }
  handleDisconnect(client: WebSocket) {
    disconnects.push(getUpgradeRequest(client).remoteAddress);
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function startWithModule(moduleOptions: WsErrorsOptions, adapterOptions: WsErrorsOptions = {}): Promise<INestApplication> {
  @Module({ imports: [WsErrorsModule.forRoot(moduleOptions)], providers: [WhoAmIGateway] })
  class AppModule {}
  const created = await NestFactory.create(AppModule, { logger: false });
  created.useWebSocketAdapter(new ValidatingWsAdapter(created, adapterOptions));
  await created.listen(0, '127.0.0.1');
  return created;
}

async function connectedAs(target: INestApplication, localAddress: string, forwardedFor?: string): Promise<unknown> {
  const ws = connectWs(target, '/whoami', { localAddress, ...(forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {}) });
  const { data } = (await ws.receive()) as { data: unknown };
  await ws.close();
  return data;
}

describe('trustProxy', () => {
  it('WsErrorsModule.forRoot({ trustProxy }) applies, and the same address reaches handleDisconnect', async () => {
    app = await startWithModule({ trustProxy: '127.0.0.2' });
    disconnects.length = 0;
    expect(await connectedAs(app, '127.0.0.2', '203.0.113.5, 127.0.0.3')).toBe('127.0.0.3');
    expect(await connectedAs(app, '127.0.0.3', '203.0.113.5')).toBe('127.0.0.3');
    await expect.poll(() => disconnects).toEqual(['127.0.0.3', '127.0.0.3']);
  });

  it("the adapter's trustProxy overrides the module's, false included", async () => {
    app = await startWithModule({ trustProxy: '127.0.0.2' }, { trustProxy: false });
    expect(await connectedAs(app, '127.0.0.2', '203.0.113.5')).toBe('127.0.0.2');
  });

  it('off by default: the TCP peer, whatever the header says', async () => {
    app = await startApp({ providers: [WhoAmIGateway] });
    expect(await connectedAs(app, '127.0.0.2', '203.0.113.5')).toBe('127.0.0.2');
  });

  it('a malformed trusted address fails when the adapter is built, naming it', async () => {
    @Module({ providers: [WhoAmIGateway] })
    class AppModule {}
    const created = await NestFactory.create(AppModule, { logger: false });
    try {
      expect(() => new ValidatingWsAdapter(created, { trustProxy: ['127.0.0.2', 'proxy.internal'] })).toThrow(/proxy\.internal/);
    } finally {
      await created.close();
    }
  });

  it('a predicate that throws refuses that upgrade with 500 and the server goes on', async () => {
    app = await startApp(
      { providers: [WhoAmIGateway] },
      {
        trustProxy: address => {
          if (address === '127.0.0.3') throw new Error('predicate bug');
          return address === '127.0.0.2';
        },
      },
    );
    // proxy-addr asks only about hops that have an address before them in the header.
    expect(await connectWs(app, '/whoami', { localAddress: '127.0.0.3', headers: { 'x-forwarded-for': '203.0.113.5' } }).outcome).toEqual({
      kind: 'refused',
      status: 500,
      body: { code: null, reason: 'Internal Server Error' },
    });
    expect(await connectedAs(app, '127.0.0.2', '203.0.113.5')).toBe('203.0.113.5');
  });
});
