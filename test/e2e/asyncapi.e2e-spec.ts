import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAsyncApiDocument, WsErrorsModule, type AsyncApiDocument } from '../../src/index.js';
import { connectWs, type WsOutcome } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';
import { AsyncApiClient, type Handshake } from '../fixtures/asyncapi-client.js';
import { ASYNCAPI_FIXTURE_GATEWAYS } from '../fixtures/asyncapi-app.js';

const INFO = { title: 'Fixture gateways', version: '0.0.1' };

async function fetchDocument(app: INestApplication, path = '/asyncapi.json'): Promise<{ response: Response; document: any }> {
  const response = await fetch(`${await app.getUrl()}${path}`);
  return { response, document: await response.json() };
}

function closed(outcome: WsOutcome): { code: number; reason: string } {
  expect(outcome.kind).toBe('closed');
  return outcome as Extract<WsOutcome, { kind: 'closed' }>;
}

describe('AsyncAPI document of a fixture with every DTO feature', () => {
  let app: INestApplication;
  let document: AsyncApiDocument;

  beforeAll(async () => {
    app = await startApp({
      imports: [WsErrorsModule.forRoot({ asyncapi: { path: '/asyncapi.json', info: INFO } })],
      providers: ASYNCAPI_FIXTURE_GATEWAYS,
    });
    document = createAsyncApiDocument(app, { info: INFO });
  });
  afterAll(() => app?.close());

  describe('WsErrorsModule.forRoot({ asyncapi: { path } })', () => {
    it('serves the document over HTTP as JSON, the same as createAsyncApiDocument() builds', async () => {
      const { response, document: served } = await fetchDocument(app);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(served).toEqual(JSON.parse(JSON.stringify(document)));
    });

    it('leaves other paths to the app: an unknown path is still a 404', async () => {
      const response = await fetch(`${await app.getUrl()}/asyncapi.yaml`);
      expect(response.status).toBe(404);
    });
  });

  it('is a valid AsyncAPI 3.0 document: no error and no warning from the AsyncAPI parser', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    const problems = diagnostics.filter(d => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
    expect(problems.map(d => `${d.code} ${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(parsed).toBeDefined();
    expect(parsed!.channels().get('ItemsGateway')?.address()).toBe('/items/{itemId}/ws');
  });

  describe('the channel of /items/:itemId/ws', () => {
    const channel = () => document.channels.ItemsGateway!;

    it('has the address in AsyncAPI form and the parameter itemId with its schema', () => {
      expect(channel().address).toBe('/items/{itemId}/ws');
      expect(channel()['x-path']).toBe('/items/:itemId/ws');
      expect(channel().parameters?.itemId?.['x-schema']).toEqual({ type: 'string', minLength: 2, maxLength: 12, pattern: '^[a-z0-9-]+$' });
    });

    it("has the query DTO in the ws binding: q is an integer with its bounds; enum and @IsIn come through", () => {
      const { query, bindingVersion, method } = channel().bindings.ws;
      expect({ bindingVersion, method }).toEqual({ bindingVersion: '0.1.0', method: 'GET' });
      expect(query?.properties).toMatchObject({
        q: { type: 'integer', minimum: 1, maximum: 100 },
        colour: { type: 'string', enum: ['red', 'blue'] },
        order: { type: 'string', enum: ['asc', 'desc'] },
        verbose: { type: 'boolean' },
      });
      expect(query?.required).toEqual(['q']);
    });

    it('has the header DTO under its header names, and cookies on the Cookie header and in x-cookies', () => {
      const { headers, 'x-cookies': cookies } = channel().bindings.ws;
      expect(headers?.properties).toMatchObject({ 'x-token': { type: 'string', minLength: 8, maxLength: 64 }, cookie: { type: 'string' } });
      expect(headers?.required).toEqual(['x-token', 'cookie']);
      expect(cookies).toEqual({ type: 'object', properties: { session: { type: 'string', pattern: '^s-[a-z0-9]+$' } }, required: ['session'] });
    });

    it('has a receive operation per @SubscribeMessage event, the @MessageBody() DTO as data, nested DTOs as components', () => {
      const create = channel().messages.create!.payload as any;
      expect(create.properties.event).toEqual({ type: 'string', const: 'create' });
      expect(create.properties.data.properties).toMatchObject({
        name: { type: 'string', minLength: 1, maxLength: 40 },
        quantity: { type: 'integer', minimum: 1 },
        size: { $ref: '#/components/schemas/Dimensions' },
        tags: { type: 'array', maxItems: 5, items: { $ref: '#/components/schemas/Tag' } },
      });
      expect(document.components.schemas.Dimensions).toMatchObject({ properties: { width: { type: 'integer', minimum: 0 } } });
      expect(document.components.schemas.Tag).toMatchObject({ properties: { label: { type: 'string', minLength: 1, maxLength: 20 } } });
      expect((channel().messages.rename!.payload as any).properties.data).toEqual({ type: 'object', properties: { name: { type: 'string' } } });
      expect(document.operations['ItemsGateway.create']).toMatchObject({
        action: 'receive',
        channel: { $ref: '#/channels/ItemsGateway' },
        messages: [{ $ref: '#/channels/ItemsGateway/messages/create' }],
        reply: { messages: [{ $ref: '#/channels/ItemsGateway/messages/create.reply' }] },
      });
      expect(document.operations['ItemsGateway.create.reply']).toMatchObject({ action: 'send' });
      expect(document.operations['ItemsGateway.send.welcome']).toMatchObject({ action: 'send' });
      expect(document.operations['ItemsGateway.ping']?.reply?.messages).toEqual([{ $ref: '#/channels/ItemsGateway/messages/reply' }]);
    });

    it('lists its close codes: 1008 for validation failures, the default table, and the declared ones', () => {
      const codes = channel()['x-close-codes'];
      expect(codes).toContainEqual(expect.objectContaining({ code: 1008, cause: 'validation', phase: 'handshake', retry: false }));
      expect(codes).toContainEqual(expect.objectContaining({ code: 1008, cause: 'validation', phase: 'message' }));
      expect(codes).toContainEqual(expect.objectContaining({ code: 1008, cause: 'guard', reason: 'Forbidden resource' }));
      expect(codes).toContainEqual(expect.objectContaining({ code: 1013, cause: 'handshake-timeout', retry: true, backoff: true }));
      expect(codes).toContainEqual(expect.objectContaining({ code: 4400, to: 4499, cause: 'http-exception', retry: false }));
      expect(codes).toContainEqual(expect.objectContaining({ code: 1011, cause: 'internal-error', reason: 'Internal Server Error' }));
      expect(codes).toContainEqual(expect.objectContaining({ code: 1009, cause: 'max-payload' }));
      expect(codes).toContainEqual({ code: 4001, reason: 'Session expired', when: 'the session ends while connected', phase: 'any', cause: 'declared', retry: false, backoff: false });
      expect(codes).toContainEqual(expect.objectContaining({ code: 4409, reason: 'Item locked', cause: 'declared' }));
      expect(codes.some(entry => entry.httpStatus !== undefined)).toBe(false);
    });
  });

  it("takes a handler's reply from a DTO class as its declared return type", () => {
    const rooms = document.channels.RoomsGateway!;
    expect(rooms.messages['who.reply']!.payload).toEqual({
      type: 'object',
      properties: { room: { type: 'string' }, members: { type: 'integer', minimum: 0 } },
      required: ['room', 'members'],
    });
    expect(document.operations['RoomsGateway.who']?.reply?.messages).toEqual([{ $ref: '#/channels/RoomsGateway/messages/who.reply' }]);
    expect(document.operations['RoomsGateway.say']?.reply?.messages).toEqual([{ $ref: '#/channels/RoomsGateway/messages/reply' }]);
  });

  describe('message errors close only where a filter is listed, as the document says', () => {
    it('a gateway with none: its error rows are for the handshake only, and a failing handler leaves the socket open', async () => {
      const codes = document.channels.RoomsGateway!['x-close-codes'];
      // Besides the limits and the connection lifecycle, which apply to every gateway, no message-phase error row.
      expect(codes.filter(entry => entry.phase !== 'handshake').map(entry => entry.cause)).toEqual(['max-payload', 'heartbeat', 'backpressure', 'shutdown']);
      const ws = connectWs(app, '/rooms/lobby');
      await ws.opened;
      ws.send('fail');
      expect(await ws.receive()).toMatchObject({ event: 'exception' });
      ws.send('who');
      expect(await ws.receive()).toEqual({ room: 'lobby', members: 1 });
      expect(closed(await ws.close()).code).toBe(1000);
    });

    it("a guarded handler with the default filter: 1008 with Nest's text, and the server closes with it", async () => {
      const row = document.channels.AdminGateway!['x-close-codes'].find(entry => entry.cause === 'guard');
      expect(row).toMatchObject({ code: 1008, reason: 'Forbidden resource', phase: 'message' });
      expect(document.channels.AdminGateway!['x-close-codes'].find(entry => entry.cause === 'internal-error')?.phase).toBe('any');
      const ws = connectWs(app, '/admin');
      await ws.opened;
      ws.send('wipe');
      expect(closed(await ws.outcome)).toMatchObject({ code: row!.code, reason: row!.reason });
    });
  });

  it('writes optional segments and wildcards out as parameters', () => {
    expect(document.channels.RoomsGateway).toMatchObject({ address: '/rooms/{room}', parameters: { room: { description: expect.stringContaining('optional') } } });
    expect(document.channels.FilesGateway).toMatchObject({ address: '/files/{filePath}', parameters: { filePath: { description: expect.stringContaining('wildcard') } } });
    expect(document.channels.FilesGateway!.bindings.ws).toEqual({ method: 'GET', bindingVersion: '0.1.0' });
  });

  describe('a client made only from the served document', () => {
    let client: AsyncApiClient;
    let channel: Record<string, any>;
    beforeAll(async () => {
      client = new AsyncApiClient((await fetchDocument(app)).document);
      channel = client.channel('/items/{itemId}/ws');
    });

    function connect(handshake: Handshake) {
      return connectWs(app, client.path(channel, handshake.params), {
        query: handshake.query,
        headers: handshake.headers,
        cookies: handshake.cookies,
      });
    }

    it('is admitted with handshakes drawn from the schemas, and greeted as the document says', async () => {
      const handshakes = client.validHandshakes(channel, 4, 1301);
      for (const handshake of handshakes) {
        expect(client.admits(channel, handshake)).toBe(true);
        const ws = connect(handshake);
        await ws.opened;
        const welcome = await ws.receive();
        expect(client.valid(channel.messages.welcome.payload, welcome, 'message')).toBe(true);
        expect(closed(await ws.close()).code).toBe(1000);
      }
    });

    it('is refused with the documented code exactly when the schemas reject the handshake', async () => {
      const [valid] = client.validHandshakes(channel, 1, 1302);
      const variants: [string, Handshake][] = [
        ['q not an integer', { ...valid!, query: { ...valid!.query, q: 'abc' } }],
        ['q below its minimum', { ...valid!, query: { ...valid!.query, q: '0' } }],
        ['colour outside its enum', { ...valid!, query: { ...valid!.query, colour: 'green' } }],
        ['x-token missing', { ...valid!, headers: {} }],
        ['x-token too short', { ...valid!, headers: { 'x-token': 'short' } }],
        ['session cookie off its pattern', { ...valid!, cookies: { session: 'nope' } }],
        ['itemId off its pattern', { ...valid!, params: { itemId: 'A!' } }],
        ['an undeclared query parameter', { ...valid!, query: { ...valid!.query, extra: '1' } }],
      ];
      const refusalCode = client.closeCode(channel, 'handshake', 'validation');
      expect(refusalCode).toBe(1008);
      const verdicts: string[] = [];
      for (const [name, handshake] of variants) {
        const predicted = client.admits(channel, handshake);
        const ws = connect(handshake);
        if (predicted) {
          await ws.opened;
          await ws.receive();
          verdicts.push(`${name}: admitted`);
          await ws.close();
        } else {
          expect(closed(await ws.outcome).code).toBe(refusalCode);
          verdicts.push(`${name}: refused`);
        }
      }
      expect(verdicts.filter(v => v.endsWith('refused'))).toHaveLength(7);
      expect(verdicts).toContain('an undeclared query parameter: admitted');
    });

    it('gets the documented reply to a message drawn from the schema, and the documented code for an invalid one', async () => {
      const [handshake] = client.validHandshakes(channel, 1, 1303);
      const ws = connect(handshake!);
      await ws.opened;
      await ws.receive();
      const message = client.message(channel, 'create', 1304);
      expect(client.valid(channel.messages.create.payload, message, 'message')).toBe(true);
      ws.send(message.event, message.data);
      const reply = await ws.receive();
      const replyRef = client.document.operations['ItemsGateway.create'].reply.messages[0].$ref as string;
      expect(client.valid(channel.messages[replyRef.split('/').pop()!].payload, reply, 'message')).toBe(true);

      const invalid = { ...message, data: { ...(message.data as object), quantity: 'many' } };
      expect(client.valid(channel.messages.create.payload, invalid, 'message')).toBe(false);
      ws.send(invalid.event, invalid.data);
      expect(closed(await ws.outcome).code).toBe(client.closeCode(channel, 'message', 'validation'));
    });
  });
});
