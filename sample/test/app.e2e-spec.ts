import type { INestApplication, LoggerService } from '@nestjs/common';
import { connectWs, type WsOutcome } from 'nestjs-ws-errors/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSampleApp } from '../src/app.js';

/** Keeps what the app logs, so that the tests can read it (and the test output stays quiet). */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];
  log(message: unknown, context?: string) { this.record('log', message, context); }
  warn(message: unknown, context?: string) { this.record('warn', message, context); }
  error(message: unknown, _stack?: string, context?: string) { this.record('error', message, context); }
  private record(level: string, message: unknown, context?: string) {
    this.lines.push({ level, message: String(message), ...(context === undefined ? {} : { context }) });
  }
}

function closed(outcome: WsOutcome): { code: number; reason: string } {
  expect(outcome.kind).toBe('closed');
  return outcome as Extract<WsOutcome, { kind: 'closed' }>;
}

describe('the sample app', () => {
  const logger = new RecordingLogger();
  let app: INestApplication;

  beforeAll(async () => {
    app = await createSampleApp({ logger });
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    logger.lines.length = 0;
  });

  describe('GET /', () => {
    it('serves the HTML page that drives the gateways', async () => {
      const response = await fetch(`${await app.getUrl()}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      for (const id of ['endpoint', 'item-id', 'cookie', 'query', 'connect', 'send', 'close-code', 'close-reason', 'log']) {
        expect(html).toContain(`id="${id}"`);
      }
    });
  });

  describe('/items/:itemId/ws', () => {
    it('closes with 1008 "Session cookie missing" when the cookie is absent (a WebSocketException from handleConnection)', async () => {
      const ws = connectWs(app, '/items/foo/ws');
      expect(closed(await ws.outcome)).toMatchObject({ code: 1008, reason: 'Session cookie missing' });
    });

    it('admits a client with the cookie, greets it and echoes with the item id', async () => {
      const ws = connectWs(app, '/items/foo/ws', { cookies: { session: 'abc' } });
      await ws.opened;
      expect(await ws.receive()).toEqual({ event: 'session', data: 'Session cookie value is: abc' });
      ws.send('echo', 'hello');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'Message text was: hello, for item ID: foo' });
      ws.send('echo', 'again');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'Message text was: again, for item ID: foo' });
      expect(closed(await ws.close())).toMatchObject({ code: 1000 });
    });

    it('decodes the path parameter', async () => {
      const ws = connectWs(app, '/items/a%20b/ws', { cookies: { session: 's' } });
      await ws.receive();
      ws.send('echo', 'x');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'Message text was: x, for item ID: a b' });
      await ws.close();
    });
  });

  describe('/ws', () => {
    it('converts ?q=3 to the number 3 and says so on connect', async () => {
      const ws = connectWs(app, '/ws', { query: { q: 3 } });
      expect(await ws.receive()).toEqual({ event: 'query', data: 'Query param q is: 3' });
      ws.send('echo', 'hi');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'Message text was: hi, q is: 3' });
      await ws.close();
    });

    it('closes ?q=abc with 1008 and the JSON of the validation errors (the default handler)', async () => {
      const { code, reason } = closed(await connectWs(app, '/ws?q=abc').outcome);
      expect(code).toBe(1008);
      expect(JSON.parse(reason)).toEqual([
        { type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' },
      ]);
    });

    it('closes a missing q with 1008 and type "missing"', async () => {
      const { code, reason } = closed(await connectWs(app, '/ws').outcome);
      expect(code).toBe(1008);
      expect(JSON.parse(reason)).toMatchObject([{ type: 'missing', loc: ['query', 'q'] }]);
    });
  });

  describe('/strict', () => {
    it('closes ?q=abc with 1003 through the custom filter, which logs the endpoint context', async () => {
      const { code, reason } = closed(await connectWs(app, '/strict', { query: { q: 'abc' } }).outcome);
      expect(code).toBe(1003);
      expect(JSON.parse(reason)).toMatchObject([{ type: 'isInt', loc: ['query', 'q'] }]);
      expect(logger.lines).toContainEqual({
        level: 'warn',
        context: 'UnsupportedDataFilter',
        // StrictGateway has no handleConnection: the context names the class alone.
        message: '1 validation error(s) in StrictGateway (WS /strict, handshake)',
      });
    });

    it('admits ?q=7 and echoes', async () => {
      const ws = connectWs(app, '/strict?q=7');
      await ws.opened;
      ws.send('echo', 'ok');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'Message text was: ok, q is: 7' });
      await ws.close();
    });

    it('closes an unexpected error with 1011 "Internal Server Error" (the module filter), never its message', async () => {
      const ws = connectWs(app, '/strict?q=7');
      await ws.opened;
      ws.send('boom');
      expect(closed(await ws.outcome)).toMatchObject({ code: 1011, reason: 'Internal Server Error' });
      const logged = logger.lines.find(line => line.level === 'error');
      expect(logged?.message).toBe('Unhandled error in StrictGateway.boom (WS /strict, message "boom")');
    });
  });

  it('answers an upgrade to an unknown path with HTTP 404', async () => {
    expect(await connectWs(app, '/nowhere').outcome).toMatchObject({ kind: 'refused', status: 404 });
  });
});

describe('the sample app with handshakeRejection: "http"', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createSampleApp({ logger: false, handshakeRejection: 'http' });
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app?.close());

  it('refuses ?q=abc with HTTP 400 and a JSON body', async () => {
    const outcome = await connectWs(app, '/ws?q=abc').outcome;
    expect(outcome).toMatchObject({
      kind: 'refused',
      status: 400,
      body: { code: 1008, errors: [{ type: 'isInt', loc: ['query', 'q'] }] },
    });
  });

  it('still answers a WebSocketException from handleConnection with a close frame (the socket was accepted)', async () => {
    const outcome = await connectWs(app, '/items/foo/ws').outcome;
    expect(outcome).toMatchObject({ kind: 'closed', code: 1008, reason: 'Session cookie missing' });
  });
});
