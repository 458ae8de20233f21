import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  Logger,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  ValidationPipe,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { IsEmail, IsInt, IsString, Max, MinLength } from 'class-validator';
import { Observable, throwError } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  shouldReconnect,
  WebSocketException,
  WebSocketExceptionFilter,
  WebSocketRequestValidationError,
  WsHandshake,
  encodeCloseReason,
  getUpgradeRequest,
  type WsValidationErrorItem,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';

const missingName: WsValidationErrorItem = { type: 'missing', loc: ['body', 'name'], msg: 'Field required' };

/** The contract's filter table, message phase: what is thrown and the close frame it must become. */
const rows = {
  WebSocketException: { make: () => new WebSocketException(4001, 'nope: ws'), code: 4001, reason: 'nope: ws' },
  WebSocketRequestValidationError: {
    make: () => new WebSocketRequestValidationError([missingName]),
    code: 1008,
    reason: JSON.stringify([missingName]),
  },
  WsException: { make: () => new WsException('nope'), code: 1008, reason: 'nope' },
  HttpException: { make: () => new HttpException('forbidden', 403), code: 4403, reason: 'forbidden' },
  UnauthorizedException: { make: () => new UnauthorizedException(), code: 4401, reason: 'Unauthorized' },
  ForbiddenException: { make: () => new ForbiddenException('no access'), code: 4403, reason: 'no access' },
  'HttpException 5xx': { make: () => new InternalServerErrorException('secret'), code: 1011, reason: 'Internal Server Error' },
  Error: { make: () => new Error('secret'), code: 1011, reason: 'Internal Server Error' },
  'a 200-byte reason': { make: () => new WebSocketException(1008, 'é'.repeat(100)), code: 1008, reason: 'é'.repeat(61) },
} as const;
type RowName = keyof typeof rows;

@WebSocketGateway({ path: '/table' })
@UseFilters(WebSocketExceptionFilter)
class TableGateway {
  @SubscribeMessage('sync')
  sync(@MessageBody() row: RowName): never {
    throw rows[row].make();
  }

  @SubscribeMessage('async')
  async async(@MessageBody() row: RowName): Promise<never> {
    await Promise.resolve();
    throw rows[row].make();
  }

  @SubscribeMessage('observable')
  observable(@MessageBody() row: RowName): Observable<never> {
    return throwError(() => rows[row].make());
  }

  /** Replies once, then errors on a later turn of the event loop. */
  @SubscribeMessage('observable-later')
  observableLater(@MessageBody() row: RowName): Observable<unknown> {
    return new Observable(subscriber => {
      subscriber.next({ event: 'first', data: row });
      const handle = setImmediate(() => subscriber.error(rows[row].make()));
      return () => clearImmediate(handle);
    });
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }
}

const styles = [
  { style: 'sync', method: 'sync' },
  { style: 'async', method: 'async' },
  { style: 'observable', method: 'observable' },
  { style: 'observable-later', method: 'observableLater' },
] as const;

const rowNames = Object.keys(rows) as RowName[];

describe('WebSocketExceptionFilter in the message phase', () => {
  let app: INestApplication;
  let warn: MockInstance;
  let error: MockInstance;

  beforeAll(async () => {
    app = await startApp({ providers: [TableGateway] });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    warn = vi.spyOn(Logger.prototype, 'warn');
    error = vi.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => vi.restoreAllMocks());

  /** The same app still admits a new client and answers it. */
  async function expectStillServing(): Promise<void> {
    const ws = connectWs(app, '/table');
    await ws.opened;
    ws.send('echo', 'still here');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'still here' });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  }

  describe.each(styles)('thrown $style', ({ style, method }) => {
    it.each(rowNames)('%s closes with its code and reason', async row => {
      const ws = connectWs(app, '/table');
      await ws.opened;
      ws.send(style, row);
      if (style === 'observable-later') expect(await ws.receive()).toEqual({ event: 'first', data: row });
      const outcome = await ws.outcome;
      expect(outcome).toEqual({ kind: 'closed', code: rows[row].code, reason: rows[row].reason, wasClean: true, allowReconnect: shouldReconnect(rows[row].code) });
      expect(Buffer.byteLength((outcome as { reason: string }).reason)).toBeLessThanOrEqual(123);

      const where = `TableGateway.${method} (WS /table, message "${style}")`;
      // A client error is the client's business: no log line, and nothing to warn about.
      if (rows[row].code >= 4400 && rows[row].code <= 4499) expect(error).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
      if (row === 'Error' || row === 'HttpException 5xx') {
        expect(error).toHaveBeenCalledWith(`Unhandled error in ${where}`, expect.stringContaining('secret'));
        expect((outcome as { reason: string }).reason).not.toContain('secret');
      }
      await expectStillServing();
    });
  });

  it('keeps the reason of a WebSocketRequestValidationError valid JSON when it must be cut', async () => {
    @WebSocketGateway({ path: '/long' })
    @UseFilters(WebSocketExceptionFilter)
    class LongGateway {
      @SubscribeMessage('validate')
      validate(): never {
        throw new WebSocketRequestValidationError(
          Array.from({ length: 5 }, (_, i) => ({ type: 'isString', loc: ['body', 'items', i, 'name'], msg: 'name must be a string', input: 'x'.repeat(40) })),
        );
      }
    }
    const other = await startApp({ providers: [LongGateway] });
    try {
      const ws = connectWs(other, '/long');
      await ws.opened;
      ws.send('validate');
      const outcome = (await ws.outcome) as { code: number; reason: string };
      expect(outcome.code).toBe(1008);
      expect(Buffer.byteLength(outcome.reason)).toBeLessThanOrEqual(123);
      const reason = JSON.parse(outcome.reason) as unknown[];
      expect(reason[0]).toMatchObject({ type: 'isString', loc: ['body', 'items', 0, 'name'] });
    } finally {
      await other.close();
    }
  });
});

/** What `x-throw` asks the guard or `handleConnection` to throw. */
const nestExceptions: Record<string, () => unknown> = {
  unauthorized: () => new UnauthorizedException(),
  forbidden: () => new ForbiddenException('no access'),
  'server-error': () => new InternalServerErrorException('secret'),
};

function throwAsked(header: string | string[] | undefined): void {
  const make = typeof header === 'string' ? nestExceptions[header] : undefined;
  if (make) throw make();
}

/** A guard shared with HTTP controllers would throw Nest's own exceptions like this one. */
class ThrowingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    throwAsked(getUpgradeRequest(context.switchToWs().getClient()).headers['x-guard-throws']);
    return true;
  }
}

class CreateUserDto {
  @IsString() @MinLength(3) name!: string;
  @IsEmail() email!: string;
  @IsInt() @Max(150) age!: number;
  @IsString() @MinLength(12) password!: string;
}

@WebSocketGateway({ path: '/nest' })
@WsHandshake({})
@UseGuards(ThrowingGuard)
@UseFilters(WebSocketExceptionFilter)
class NestExceptionsGateway {
  handleConnection(client: unknown) {
    throwAsked(getUpgradeRequest(client).headers['x-connection-throws']);
  }

  @SubscribeMessage('create')
  create(@MessageBody(new ValidationPipe()) dto: CreateUserDto) {
    return { event: 'created', data: dto.name };
  }

  @SubscribeMessage('throw')
  throwIt(@MessageBody() name: string): never {
    throw nestExceptions[name]!();
  }
}

const expectations = [
  { name: 'unauthorized', code: 4401, reason: 'Unauthorized', status: 401 },
  { name: 'forbidden', code: 4403, reason: 'no access', status: 403 },
  { name: 'server-error', code: 1011, reason: 'Internal Server Error', status: 500 },
] as const;

describe("Nest's own HttpExceptions keep their meaning", () => {
  let app: INestApplication;
  let httpApp: INestApplication;

  beforeAll(async () => {
    app = await startApp({ providers: [NestExceptionsGateway] });
    httpApp = await startApp({ providers: [NestExceptionsGateway] }, { handshakeRejection: 'http' });
  });
  afterAll(async () => {
    await app.close();
    await httpApp.close();
  });
  beforeEach(() => vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());

  it.each(expectations)('$name in a message handler closes with $code "$reason"', async ({ name, code, reason }) => {
    const ws = connectWs(app, '/nest');
    await ws.opened;
    ws.send('throw', name);
    expect(await ws.outcome).toEqual({ kind: 'closed', code, reason, wasClean: true, allowReconnect: shouldReconnect(code) });
  });

  it.each(expectations)('$name in handleConnection closes with $code "$reason"', async ({ name, code, reason }) => {
    const outcome = await connectWs(app, '/nest', { headers: { 'x-connection-throws': name } }).outcome;
    expect(outcome).toEqual({ kind: 'closed', code, reason, wasClean: true, allowReconnect: shouldReconnect(code) });
  });

  it.each(expectations)('$name from a handshake guard closes with $code "$reason"', async ({ name, code, reason }) => {
    const outcome = await connectWs(app, '/nest', { headers: { 'x-guard-throws': name } }).outcome;
    expect(outcome).toEqual({ kind: 'closed', code, reason, wasClean: true, allowReconnect: shouldReconnect(code) });
  });

  it.each(expectations)(
    "$name from a handshake guard in 'http' mode refuses with HTTP $status and { code: $code, reason }",
    async ({ name, code, reason, status }) => {
      const outcome = await connectWs(httpApp, '/nest', { headers: { 'x-guard-throws': name } }).outcome;
      expect(outcome).toEqual({ kind: 'refused', status, body: { code, reason } });
    },
  );

  it("ForbiddenException in handleConnection in 'http' mode is still a close frame: the socket was accepted", async () => {
    const outcome = await connectWs(httpApp, '/nest', { headers: { 'x-connection-throws': 'forbidden' } }).outcome;
    expect(outcome).toEqual({ kind: 'closed', code: 4403, reason: 'no access', wasClean: true, allowReconnect: false });
  });

  it("Nest's stock ValidationPipe on a @MessageBody DTO closes with 4400 and its messages as JSON of at most 123 bytes", async () => {
    const ws = connectWs(app, '/nest');
    await ws.opened;
    const body = { name: 'a', email: 'not an email', age: 'old', password: 7 };
    ws.send('create', body);
    const outcome = (await ws.outcome) as { kind: string; code: number; reason: string };

    // What the pipe threw, in full: longer than a close frame can carry.
    const thrown = await new ValidationPipe()
      .transform(body, { type: 'body', metatype: CreateUserDto })
      .catch((error: BadRequestException) => (error.getResponse() as { message: string[] }).message);
    expect(Buffer.byteLength(JSON.stringify(thrown))).toBeGreaterThan(123);

    expect(outcome).toMatchObject({ kind: 'closed', code: 4400 });
    expect(Buffer.byteLength(outcome.reason)).toBeLessThanOrEqual(123);
    const sent = JSON.parse(outcome.reason) as string[];
    expect(sent[0]).toBe('name must be longer than or equal to 3 characters');
    expect(sent).toEqual(thrown.slice(0, sent.length));
    expect(outcome.reason).toBe(encodeCloseReason(thrown));
  });

  it('lets a valid DTO through the same ValidationPipe', async () => {
    const ws = connectWs(app, '/nest');
    await ws.opened;
    ws.send('create', { name: 'Ada', email: 'ada@example.com', age: 36, password: 'correct horse battery' });
    expect(await ws.receive()).toEqual({ event: 'created', data: 'Ada' });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  });
});
