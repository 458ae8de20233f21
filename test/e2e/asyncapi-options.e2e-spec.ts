import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { Module, UseFilters, type INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsInt } from 'class-validator';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serveAsyncApiDocument } from '../../src/asyncapi/asyncapi.serve.js';
import {
  ValidatingWsAdapter,
  WebSocketExceptionFilter,
  WsErrorsModule,
  WsValidationPipe,
  createAsyncApiDocument,
  setupAsyncApi,
  writeAsyncApiDocument,
  type ValidatingWsAdapterOptions,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';
import { ItemsGateway, RoomsGateway } from '../fixtures/asyncapi-app.js';

class CountDto {
  @IsInt() count!: number;
}

@WebSocketGateway({ path: '/counter' })
@UseFilters(WebSocketExceptionFilter)
class CounterGateway {
  @SubscribeMessage('add')
  add(@MessageBody() dto: CountDto) {
    return { event: 'added', data: dto.count };
  }
}

async function createApp(
  adapter: (app: INestApplication) => object,
  imports: unknown[] = [],
  providers: unknown[] = [ItemsGateway, RoomsGateway],
): Promise<INestApplication> {
  @Module({ imports: imports as never[], providers: providers as never[] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  app.useWebSocketAdapter(adapter(app) as never);
  return app;
}

describe('setupAsyncApi(), YAML and files', () => {
  let app: INestApplication;
  let dir: string;

  beforeAll(async () => {
    app = await createApp(app => new ValidatingWsAdapter(app));
    setupAsyncApi('/docs/asyncapi.yaml', app, { info: { title: 'Docs', version: '3.2.1' } });
    serveAsyncApiDocument(
      app.getHttpAdapter() as never,
      '/broken.json',
      () => {
        throw new Error('database password is hunter2');
      },
      {},
    );
    await app.listen(0, '127.0.0.1');
    dir = await mkdtemp(join(tmpdir(), 'asyncapi-'));
  });
  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves YAML at a path ending in .yaml, the same document as JSON', async () => {
    const response = await fetch(`${await app.getUrl()}/docs/asyncapi.yaml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
    const text = await response.text();
    expect(text).toMatch(/^asyncapi: 3\.0\.0\n/);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(createAsyncApiDocument(app, { info: { title: 'Docs', version: '3.2.1' } }))));
  });

  it('gives YAML from createAsyncApiDocument() when asked', () => {
    const yaml = createAsyncApiDocument(app, { format: 'yaml' });
    expect(typeof yaml).toBe('string');
    expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify(createAsyncApiDocument(app))));
  });

  it('writes the document to a file for a build step: JSON, or YAML by the name', async () => {
    await writeAsyncApiDocument(app, join(dir, 'asyncapi.json'), { id: 'urn:example:items' });
    await writeAsyncApiDocument(app, join(dir, 'asyncapi.yml'));
    const json = JSON.parse(await readFile(join(dir, 'asyncapi.json'), 'utf8'));
    expect(json.id).toBe('urn:example:items');
    expect(json.channels.ItemsGateway.address).toBe('/items/{itemId}/ws');
    const { id: _id, ...withoutId } = json;
    expect(parse(await readFile(join(dir, 'asyncapi.yml'), 'utf8'))).toEqual(withoutId);
  });

  it('answers 500 with no detail when the document cannot be built, and keeps serving', async () => {
    const response = await fetch(`${await app.getUrl()}/broken.json`);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).toBe('Internal Server Error');
    expect(body).not.toContain('hunter2');
    expect((await fetch(`${await app.getUrl()}/docs/asyncapi.yaml`)).status).toBe(200);
  });
});

describe('close codes follow the options in force', () => {
  const options: ValidatingWsAdapterOptions = {
    handshakeRejection: 'http',
    invalidMessage: 'close',
    unknownEvent: 'close',
    maxPayload: 4096,
    handshakeTimeout: 2500,
    heartbeat: { interval: 20_000, timeout: 5_000 },
    idleTimeout: 60_000,
    maxBufferedBytes: 65_536,
    shutdownCloseCode: 1012,
  };
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ providers: [ItemsGateway, RoomsGateway] }, options);
  });
  afterAll(() => app?.close());

  it("lists the adapter's limits and the codes its options turn on", () => {
    const codes = createAsyncApiDocument(app).channels.ItemsGateway!['x-close-codes'];
    expect(codes).toContainEqual(expect.objectContaining({ code: 1009, cause: 'max-payload', when: expect.stringContaining('4096 bytes') }));
    expect(codes).toContainEqual(expect.objectContaining({ code: 1013, cause: 'handshake-timeout', when: expect.stringContaining('2500 ms'), httpStatus: 503 }));
    expect(codes).toContainEqual(expect.objectContaining({ code: 1007, cause: 'invalid-message' }));
    expect(codes).toContainEqual(expect.objectContaining({ code: 1003, cause: 'binary-message' }));
    expect(codes).toContainEqual(expect.objectContaining({ code: 1003, cause: 'unknown-event' }));
  });

  it('lists the connection lifecycle as configured, with whether a client should reconnect', () => {
    const codes = createAsyncApiDocument(app).channels.ItemsGateway!['x-close-codes'];
    expect(codes).toContainEqual(expect.objectContaining({ code: 1006, cause: 'heartbeat', when: expect.stringContaining('5000 ms'), retry: true }));
    expect(codes).toContainEqual(expect.objectContaining({ code: 4408, cause: 'idle', reason: 'Idle timeout', when: expect.stringContaining('60000 ms'), retry: false }));
    expect(codes).toContainEqual(expect.objectContaining({ code: 1013, cause: 'backpressure', when: expect.stringContaining('65536 bytes'), retry: true }));
    expect(codes).toContainEqual(expect.objectContaining({ code: 1012, cause: 'shutdown', reason: 'Service Restart', retry: true, backoff: true }));
  });

  it('gives the HTTP status a refused handshake gets with handshakeRejection: http, and the server answers it', async () => {
    const validation = createAsyncApiDocument(app)
      .channels.ItemsGateway!['x-close-codes'].find(entry => entry.cause === 'validation' && entry.phase === 'handshake');
    expect(validation).toMatchObject({ code: 1008, httpStatus: 400 });
    const outcome = await connectWs(app, '/items/ab/ws?q=abc').outcome;
    expect(outcome).toMatchObject({ kind: 'refused', status: validation!.httpStatus });
  });
});

describe("the module's options, without ValidatingWsAdapter", () => {
  it('are what the document goes by (stock WsAdapter)', async () => {
    const app = await createApp(app => new WsAdapter(app), [WsErrorsModule.forRoot({ maxPayload: 2048, unknownEvent: 'close' })]);
    try {
      const codes = createAsyncApiDocument(app).channels.RoomsGateway!['x-close-codes'];
      expect(codes).toContainEqual(expect.objectContaining({ cause: 'max-payload', when: expect.stringContaining('2048 bytes') }));
      expect(codes).toContainEqual(expect.objectContaining({ code: 1003, cause: 'unknown-event' }));
    } finally {
      await app.close();
    }
  });
});

describe('app-wide pipes and guards', () => {
  it('a global WsValidationPipe puts the message validation code in the document, and the server closes with it', async () => {
    const app = await createApp(app => new ValidatingWsAdapter(app), [], [CounterGateway]);
    app.useGlobalPipes(new WsValidationPipe());
    await app.listen(0, '127.0.0.1');
    try {
      const channel = createAsyncApiDocument(app).channels.CounterGateway!;
      const row = channel['x-close-codes'].find(entry => entry.cause === 'validation' && entry.phase === 'message');
      expect(row).toMatchObject({ code: 1008 });
      expect(channel['x-close-codes'].some(entry => entry.cause === 'guard')).toBe(false);
      const ws = connectWs(app, '/counter');
      await ws.opened;
      ws.send('add', { count: 'three' });
      expect(await ws.outcome).toMatchObject({ kind: 'closed', code: row!.code });
    } finally {
      await app.close();
    }
  });

  it('without one, lists no message validation code', async () => {
    const app = await createApp(app => new ValidatingWsAdapter(app), [], [CounterGateway]);
    try {
      const codes = createAsyncApiDocument(app).channels.CounterGateway!['x-close-codes'];
      expect(codes.some(entry => entry.cause === 'validation')).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe('WsErrorsModule.forRootAsync({ useFactory }) with asyncapi', () => {
  it('serves the document at the path the factory gives', async () => {
    const app = await createApp(app => new ValidatingWsAdapter(app), [
      WsErrorsModule.forRootAsync({ useFactory: async () => ({ asyncapi: { path: '/from-factory.json', info: { title: 'Async', version: '9.9.9' } } }) }),
    ]);
    await app.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`${await app.getUrl()}/from-factory.json`);
      expect(response.status).toBe(200);
      const served = (await response.json()) as { info: unknown; channels: Record<string, { address: string }> };
      expect(served.info).toEqual({ title: 'Async', version: '9.9.9' });
      expect(served.channels.ItemsGateway.address).toBe('/items/{itemId}/ws');
    } finally {
      await app.close();
    }
  });
});

@WebSocketGateway({ path: '/odd' })
class OddNamesGateway {
  @SubscribeMessage('reply')
  reply(@MessageBody() text: string) {
    return text;
  }

  @SubscribeMessage('rooms/join me')
  join() {
    return null;
  }
}

describe('event names that are not plain keys', () => {
  it('get keys safe in a JSON pointer, and the generic reply never stands in for a received message', async () => {
    const app = await createApp(app => new ValidatingWsAdapter(app), [], [OddNamesGateway]);
    try {
      const document = createAsyncApiDocument(app);
      const channel = document.channels.OddNamesGateway!;
      expect(Object.keys(channel.messages)).toEqual(['reply', 'reply2', 'rooms_join_me']);
      expect(channel.messages.rooms_join_me!.name).toBe('rooms/join me');
      expect(document.operations['OddNamesGateway.reply']).toMatchObject({
        messages: [{ $ref: '#/channels/OddNamesGateway/messages/reply' }],
        reply: { messages: [{ $ref: '#/channels/OddNamesGateway/messages/reply2' }] },
      });
      expect(document.operations['OddNamesGateway.reply2']).toMatchObject({ action: 'send', messages: [{ $ref: '#/channels/OddNamesGateway/messages/reply2' }] });
      const { diagnostics } = await new Parser().parse(JSON.stringify(document));
      expect(diagnostics.filter(d => d.severity <= DiagnosticSeverity.Warning).map(d => d.message)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
