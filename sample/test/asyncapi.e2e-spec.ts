import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import type { INestApplication } from '@nestjs/common';
import { createAsyncApiDocument } from 'nestjs-ws-errors';
import { connectWs, type WsOutcome } from 'nestjs-ws-errors/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleApp } from '../src/app.js';

describe("the sample's AsyncAPI document", () => {
  let app: INestApplication;
  let served: any;

  beforeAll(async () => {
    app = await createSampleApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    const response = await fetch(`${await app.getUrl()}/asyncapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    served = await response.json();
  });
  afterAll(() => app?.close());

  it('is served at GET /asyncapi.json, as createAsyncApiDocument() builds it', () => {
    const built = createAsyncApiDocument(app, { info: { title: 'nestjs-ws-errors sample', version: '1.0.0' } });
    expect(served).toEqual(JSON.parse(JSON.stringify(built)));
  });

  it('passes the AsyncAPI parser with no error and no warning', async () => {
    const { diagnostics } = await new Parser().parse(JSON.stringify(served));
    const problems = diagnostics.filter(d => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
    expect(problems.map(d => `${d.code} ${d.path.join('/')}: ${d.message}`)).toEqual([]);
  });

  it('has a channel per gateway, /items/{itemId}/ws with its itemId parameter and its session cookie', () => {
    expect(Object.values(served.channels).map((channel: any) => channel.address)).toEqual(['/items/{itemId}/ws', '/strict', '/ws']);
    const items = served.channels.ItemsGateway;
    expect(items.parameters.itemId['x-schema']).toMatchObject({ type: 'string' });
    expect(items.bindings.ws['x-cookies'].properties.session).toEqual({ type: 'string' });
    expect(items.bindings.ws.headers.properties.cookie.description).toContain('session (optional)');
    expect(items['x-close-codes']).toContainEqual(
      expect.objectContaining({ code: 1008, reason: 'Session cookie missing', phase: 'handshake', cause: 'declared', retry: false }),
    );
  });

  it('has q as an integer in the query of /ws, and 1008 for validation failures there', () => {
    const ws = served.channels.QueryGateway;
    expect(ws.bindings.ws.query).toEqual({ type: 'object', properties: { q: { type: 'integer' } }, required: ['q'] });
    expect(ws['x-close-codes']).toContainEqual(expect.objectContaining({ code: 1008, cause: 'validation', phase: 'handshake' }));
  });

  it("lists /strict's own 1003 for validation failures instead of the default table's 1008", async () => {
    const strict = served.channels.StrictGateway;
    const codes = strict['x-close-codes'];
    expect(codes.filter((entry: any) => entry.cause === 'validation')).toEqual([]);
    expect(codes).toContainEqual(expect.objectContaining({ code: 1003, cause: 'declared', replaces: ['validation'] }));
    const outcome = (await connectWs(app, '/strict?q=abc').outcome) as Extract<WsOutcome, { kind: 'closed' }>;
    expect(outcome.code).toBe(1003);
  });

  it('documents the echo replies and the greetings the gateways send', () => {
    const items = served.channels.ItemsGateway;
    expect(items.messages['echo.reply'].payload.properties).toEqual({ event: { type: 'string', const: 'echo' }, data: { type: 'string' } });
    expect(items.messages.session.payload.properties.event).toEqual({ type: 'string', const: 'session' });
    expect(served.operations['ItemsGateway.echo']).toMatchObject({ action: 'receive', reply: { messages: [{ $ref: '#/channels/ItemsGateway/messages/echo.reply' }] } });
    expect(served.operations['QueryGateway.send.query']).toMatchObject({ action: 'send' });
  });
});
