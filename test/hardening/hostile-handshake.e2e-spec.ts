import { Injectable, UseFilters, UseGuards, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ValidatingWsAdapterOptions } from '../../src/index.js';
import {
  HandshakeParams,
  WebSocketExceptionFilter,
  WsHandshake,
  getHandshake,
  isSendableCloseCode,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';
import { RawWsClient, appPort, settle, upgradeRequest, type RawOutcome } from '../fixtures/hostile-raw.js';

/**
 * Hostile handshakes, generated: malformed percent-encoding and raw bytes in the path,
 * prototype keys and repeated keys in the query, random and oversized header values (also
 * bytes that are not UTF-8), random cookie syntax, broken upgrade headers. Whatever comes in,
 * the server answers (a close code that may be sent, or an HTTP status), never leaks an
 * internal message or a stack, never touches `Object.prototype`, and keeps serving.
 */

const SECRET = 'SECRET-internal-7c1d';

class ItemParams {
  @IsString() @MaxLength(64) itemId!: string;
}
class ItemQuery {
  @IsOptional() @IsInt() q?: number;
  @IsOptional() @IsArray() @IsString({ each: true }) tag?: string[];
  @IsOptional() @IsBoolean() flag?: boolean;
  @IsOptional()
  @Transform(({ value }) => {
    if (value === 'boom') throw new Error(`${SECRET} from a transform`);
    return value;
  })
  @IsString()
  t?: string;
}
class ItemHeaders {
  @IsOptional() @IsString() @MaxLength(512) 'x-token'?: string;
}
class SessionCookies {
  @IsString() session!: string;
}
class FileParams {
  @IsArray() @IsString({ each: true }) rest!: string[];
}

/** Throws an internal error when the client sends `x-boom`: the reason must not carry it. */
@Injectable()
class BoomGuard implements CanActivate {
  canActivate(context: ExecutionContext) {
    const boom = getHandshake(context.switchToWs().getClient()).headers['x-boom'];
    if (boom !== undefined) throw new Error(`${SECRET} guard saw ${String(boom)}`);
    return true;
  }
}

const welcome = (client: WebSocket) => client.send(JSON.stringify({ event: 'welcome' }));

@WebSocketGateway({ path: '/items/:itemId/ws' })
@WsHandshake({ params: ItemParams, query: ItemQuery, headers: ItemHeaders, cookies: SessionCookies })
@UseGuards(BoomGuard)
@UseFilters(WebSocketExceptionFilter)
class ItemsGateway {
  handleConnection(client: WebSocket) {
    welcome(client);
  }

  @SubscribeMessage('echo')
  echo(@HandshakeParams('itemId') itemId: string, @MessageBody() text: unknown) {
    return { event: 'echo', data: { itemId, text } };
  }
}

@WebSocketGateway({ path: '/files/*rest' })
@WsHandshake({ params: FileParams })
@UseFilters(WebSocketExceptionFilter)
class FilesGateway {
  handleConnection(client: WebSocket) {
    welcome(client);
  }
}

@WebSocketGateway({ path: '/plain' })
@UseFilters(WebSocketExceptionFilter)
class PlainGateway {
  handleConnection(client: WebSocket) {
    welcome(client);
  }
}

// ------------------------------------------------------------------ generators

const hex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
const percentByte = fc.integer({ min: 0, max: 255 }).map(hex);
const malformedEscape = fc.constantFrom('%', '%E0%A4%A', '%00', '%C0%AF', '%ZZ', '%2', '%%41', '%2F', '%2e%2e', '%EF%BF%BF', '%F0%9F%98', '%ED%A0%80', '%FF%FE');
const safeText = fc.stringMatching(/^[A-Za-z0-9._~-]{0,10}$/);
const punctuation = fc.constantFrom('..', '.', ':', '*', '(', ')', '{', '}', '\\', ';', ',', '@', '!', '$', "'", '+', '=', '[', ']', '|', '^', '`', '"');
const hostileSegment = fc.array(fc.oneof(percentByte, malformedEscape, safeText, punctuation), { maxLength: 6 }).map(parts => parts.join(''));
const segment = fc.oneof(
  { weight: 3, arbitrary: safeText },
  { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'grapheme' }).map(encodeURIComponent) },
  { weight: 3, arbitrary: hostileSegment },
);
const rawBytes = fc.uint8Array({ minLength: 1, maxLength: 8 }).map(bytes => Buffer.from(bytes));

const target: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 4, arbitrary: segment.map(s => `/items/${s}/ws`) },
  { weight: 2, arbitrary: fc.tuple(segment, segment).map(([a, b]) => `/files/${a}/${b}`) },
  { weight: 1, arbitrary: segment.map(s => `/plain${s}`) },
  { weight: 1, arbitrary: segment.map(s => `/${s}`) },
  { weight: 1, arbitrary: rawBytes.map(bytes => Buffer.concat([Buffer.from('/items/'), bytes, Buffer.from('/ws')])) },
  { weight: 1, arbitrary: fc.constantFrom('*', 'http://127.0.0.1/items/a/ws', '//items/a/ws', '/items//ws', '/items/a/ws/', '/ITEMS/a/ws', '/files/', '/plain/', '') },
);

const queryKey = fc.oneof(
  fc.constantFrom(
    '__proto__', 'constructor', 'prototype', '__proto__[polluted]', 'constructor[prototype][polluted]', '__proto__.polluted',
    'q', 'tag', 'flag', 't', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '',
  ),
  segment,
);
const queryValue = fc.oneof(
  fc.constantFrom('1', '3', 'abc', 'boom', 'true', '', '%', '%E0%A4%A', '{"polluted":1}', '1e309', '-0', 'NaN', 'Infinity'),
  segment,
);
const query = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 8 })
  .map(pairs => (pairs.length === 0 ? '' : `?${pairs.map(([key, value, bare]) => (bare ? key : `${key}=${value}`)).join('&')}`));

const noLineBreak = (bytes: Iterable<number>) => Buffer.from([...bytes].filter(byte => byte !== 13 && byte !== 10));
const headerName = fc.oneof(
  { weight: 1, arbitrary: fc.constant('x-boom') },
  { weight: 1, arbitrary: fc.constant('x-token') },
  { weight: 4, arbitrary: fc.constantFrom(
    'x-token', 'x-boom', 'cookie', '__proto__', 'constructor', 'prototype', 'origin',
    'sec-websocket-protocol', 'sec-websocket-extensions', 'x-forwarded-for', 'host', 'hasOwnProperty',
  ) },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/) },
);
const headerValue: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40, unit: 'grapheme' }).map(s => noLineBreak(Buffer.from(s))) },
  // obs-text and visible bytes: Node takes them (as latin1), and they are not UTF-8.
  { weight: 3, arbitrary: fc.array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 40 }).map(bytes => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map(noLineBreak) },
  { weight: 1, arbitrary: fc.constantFrom(600, 8_000, 16 * 1024, 20_000).map(n => Buffer.from('a'.repeat(n))) },
);
const headerLines = fc.array(
  fc.tuple(headerName, headerValue).map(([name, value]) => Buffer.concat([Buffer.from(`${name}: `), value])),
  { maxLength: 4 },
);

const cookiePiece = fc.oneof(
  fc.constantFrom(
    'session=abc', 'session=', '=abc', 'session', ';', ' ; ; ', 'session="q"', 'session=%E0%A4%A', 'session=%',
    '__proto__=x', 'constructor=y', 'prototype=z', 'session=a; session=b', 'a=b=c', ' = ', '\u00e9=\u00e9',
  ),
  fc.string({ maxLength: 20 }).map(s => s.replace(/[\r\n]/g, '')),
);
const cookieLine = fc.option(
  fc
    .tuple(fc.boolean(), fc.array(cookiePiece, { minLength: 1, maxLength: 5 }))
    .map(([valid, pieces]) => Buffer.from(`Cookie: ${[...(valid ? ['session=ok'] : []), ...pieces].join('; ')}`)),
  { nil: undefined, freq: 4 },
);

/** Mostly a proper upgrade; sometimes its own headers broken. */
const upgradeShape = fc.constantFrom('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'noKey', 'badVersion', 'noUpgrade', 'shortKey');

interface Attempt {
  target: string | Buffer;
  query: string;
  headers: Buffer[];
  cookie: Buffer | undefined;
  shape: string;
}

const attempt: fc.Arbitrary<Attempt> = fc.record({ target, query, headers: headerLines, cookie: cookieLine, shape: upgradeShape });

function requestBytes(port: number, a: Attempt): Buffer {
  const targetBytes = Buffer.concat([Buffer.from(a.target as never), Buffer.from(a.query)]);
  const lines: (string | Buffer)[] = [`Host: 127.0.0.1:${port}`];
  if (a.shape !== 'noUpgrade') lines.push('Upgrade: websocket', 'Connection: Upgrade');
  else lines.push('Connection: close');
  if (a.shape === 'shortKey') lines.push('Sec-WebSocket-Key: c2hvcnQ=');
  else if (a.shape !== 'noKey') lines.push('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==');
  lines.push(`Sec-WebSocket-Version: ${a.shape === 'badVersion' ? '8' : '13'}`);
  lines.push(...a.headers);
  if (a.cookie) lines.push(a.cookie);
  return upgradeRequest(port, { target: targetBytes, headers: lines, bare: true });
}

// ------------------------------------------------------------------ oracles

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function assertNoLeak(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('    at ');
  expect(text).not.toMatch(/\/work\/|node_modules|\.ts:\d+/);
}

function assertAnswered(outcome: RawOutcome) {
  switch (outcome.kind) {
    case 'http': {
      expect(outcome.status).toBeGreaterThanOrEqual(400);
      expect(outcome.status).toBeLessThan(600);
      const body = outcome.body.toString('utf8');
      assertNoLeak(body);
      if (/content-type: application\/json/i.test(outcome.head) && /"code"/.test(body)) {
        const parsed = JSON.parse(body) as { code: number | null; reason: string };
        if (parsed.code !== null) expect(isSendableCloseCode(parsed.code)).toBe(true);
        expect(Buffer.byteLength(parsed.reason)).toBeLessThanOrEqual(123);
      }
      return;
    }
    case 'closed': {
      expect(outcome.code).toBeDefined();
      expect(isSendableCloseCode(outcome.code!)).toBe(true);
      expect(outcome.reason.length).toBeLessThanOrEqual(123);
      const reason = strictUtf8.decode(outcome.reason);
      assertNoLeak(reason);
      if (reason.startsWith('[') || reason.startsWith('{')) expect(() => JSON.parse(reason)).not.toThrow();
      if (outcome.code === 1011) expect(reason).toBe('Internal Server Error');
      return;
    }
    case 'message': {
      expect(JSON.parse(outcome.frames[0]!.payload.toString())).toEqual({ event: 'welcome' });
      return;
    }
    default:
      throw new Error(`the server did not answer: ${outcome.kind}, ${JSON.stringify(outcome.received.subarray(0, 200).toString('latin1'))}`);
  }
}

const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort();
const prototypeSymbols = () => Object.getOwnPropertySymbols(Object.prototype).length;

function assertPrototypesUntouched(names: string[], symbols: number) {
  expect(prototypeNames()).toEqual(names);
  expect(prototypeSymbols()).toBe(symbols);
  const probe: Record<string, unknown> = {};
  // eslint-disable-next-line guard-for-in
  for (const key in probe) throw new Error(`Object.prototype gained an enumerable key: ${key}`);
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty).toBe(Object.getOwnPropertyDescriptor(Object.prototype, 'hasOwnProperty')!.value);
}

// ------------------------------------------------------------------ the runs

const SETUPS: [string, ValidatingWsAdapterOptions, number, number][] = [
  ['close mode, default validation', {}, 0x5eed_0001, 150],
  ['http mode, whitelist + forbidNonWhitelisted', { handshakeRejection: 'http', validatorOptions: { whitelist: true, forbidNonWhitelisted: true } }, 0x5eed_0002, 120],
];

describe.each(SETUPS)('hostile handshakes (%s)', (_name, options, seed, numRuns) => {
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    app = await startApp({ providers: [ItemsGateway, FilesGateway, PlainGateway, BoomGuard] }, { closeTimeout: 500, ...options });
    port = appPort(app);
  });
  afterAll(() => app.close());

  it('answers every attempt, leaks nothing, leaves Object.prototype alone', async () => {
    const names = prototypeNames();
    const symbols = prototypeSymbols();
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(attempt, async a => {
        const client = new RawWsClient(port, requestBytes(port, a), 3_000);
        try {
          const outcome = await client.outcome;
          const key = outcome.kind === 'http' ? `http ${outcome.status}${outcome.body.length ? ' (body)' : ''}` : outcome.kind === 'closed' ? `close ${outcome.code}` : outcome.kind;
          kinds.set(key, (kinds.get(key) ?? 0) + 1);
          assertAnswered(outcome);
          assertPrototypesUntouched(names, symbols);
        } finally {
          client.destroy();
        }
      }),
      // Bounded in time by test/fixtures/fast-check.setup.ts (half the test timeout, an interrupt fails);
      // one attempt waits at most 3 s, so the property ends well inside the test timeout.
      { seed, numRuns, endOnFailure: true },
    );
    await settle();
    assertPrototypesUntouched(names, symbols);
    // The generators reach every kind of answer: admission, a close frame, an HTTP status.
    expect([...kinds.keys()].some(key => key === 'message')).toBe(true);
    expect([...kinds.keys()].some(key => key.startsWith('http 4'))).toBe(true);
    if (options.handshakeRejection === 'http') {
      expect(kinds.has('http 500 (body)')).toBe(true);
    } else {
      expect(kinds.has('close 1008')).toBe(true);
      expect(kinds.has('close 1011')).toBe(true);
    }
  });

  it('still admits a valid client and echoes afterwards', async () => {
    const ws = connectWs(app, '/items/abc/ws', { query: { q: 3, tag: ['a', 'b'] }, cookies: { session: 's' }, headers: { 'x-token': 't' } });
    expect(await ws.receive()).toEqual({ event: 'welcome' });
    ws.send('echo', 'hi');
    expect(await ws.receive()).toEqual({ event: 'echo', data: { itemId: 'abc', text: 'hi' } });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  });

  it('handles the named hostile examples', async () => {
    const names = prototypeNames();
    const symbols = prototypeSymbols();
    const examples: [string | Buffer, string[]][] = [
      ['/items/%E0%A4%A/ws', ['Cookie: session=a']],
      ['/items/%/ws', ['Cookie: session=a']],
      ['/items/%00/ws', ['Cookie: session=a']],
      ['/items/%C0%AF/ws', ['Cookie: session=a']],
      ['/items/a/ws?__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__=x&prototype=y', ['Cookie: session=a; __proto__=x']],
      ['/items/a/ws?q=1&q=2&q=abc&tag=x&tag=y', ['Cookie: session=a', 'X-Boom: ' + '\u00ff'.repeat(10)]],
      ['/items/a/ws?t=boom', ['Cookie: session=a']],
      ['/items/a/ws', ['Cookie: session=a', `X-Token: ${'z'.repeat(16 * 1024)}`]],
      [Buffer.from([0x2f, 0x69, 0x74, 0x65, 0x6d, 0x73, 0x2f, 0xc3, 0x28, 0x2f, 0x77, 0x73]), ['Cookie: session=a']],
      ['/files/%E0%A4%A/x', []],
      ['/items/__proto__/ws', ['Cookie: session=a']],
      ['/items/constructor/ws?constructor=1&prototype=2', ['Cookie: constructor=a; prototype=b; session=c', '__proto__: x', 'Constructor: y']],
      ['/files/__proto__/constructor/prototype', []],
    ];
    for (const [path, headers] of examples) {
      const client = new RawWsClient(port, upgradeRequest(port, { target: path, headers }), 3_000);
      try {
        assertAnswered(await client.outcome);
      } finally {
        client.destroy();
      }
    }
    assertPrototypesUntouched(names, symbols);
  });
});
