import {
  Catch,
  Injectable,
  Logger,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { of, throwError, type Observable } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { WebSocketException, WebSocketExceptionFilter, WsHandshake, encodeCloseReason, getHandshake } from '../../src/index.js';
import { connectWs, type WsOutcome } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';
import { deferred, settle, watchProcessFailures } from '../fixtures/hostile-raw.js';

/**
 * Every place user code runs × every way it can fail → the close code of the filter table,
 * and the process alive. One gateway serves every row: the handshake rows pick their place
 * and failure in the query, the message rows in the message's data.
 */

const SECRET = 'SECRET-internal-detail-3f9a';

const HOWS = [
  'Error',
  'reject',
  'observable',
  'string',
  'undefined',
  'null',
  'evilMessage',
  'evilError',
  'hostileProxy',
  'rejectHostileProxy',
  'WebSocketException',
  'rejectWebSocketException',
  'hostileWsException',
] as const;
type How = (typeof HOWS)[number];

/** A WsException message is sent as the reason: a lone surrogate and 400 bytes must still make a valid one. */
const HOSTILE_WS_MESSAGE = `\uD800${'\u00e9'.repeat(200)}`;

/** An object whose `message` (and `stack`, and `toString`) throw when read. */
function evilObject(): object {
  return {
    get message(): string {
      throw new Error(`${SECRET} message getter`);
    },
    get stack(): string {
      throw new Error(`${SECRET} stack getter`);
    },
    toString(): string {
      throw new Error(`${SECRET} toString`);
    },
  };
}

/** An Error whose `message` and `stack` throw when read. */
function evilError(): Error {
  const error = new Error('placeholder');
  Object.defineProperty(error, 'message', {
    get() {
      throw new Error(`${SECRET} message getter`);
    },
  });
  Object.defineProperty(error, 'stack', {
    get() {
      throw new Error(`${SECRET} stack getter`);
    },
  });
  return error;
}

/** A Proxy every trap of which throws: `instanceof`, property reads, `String()` all fail. */
function hostileProxy(): object {
  const trap = () => {
    throw new Error(`${SECRET} proxy trap`);
  };
  return new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
}

function thrownValue(how: How): unknown {
  switch (how) {
    case 'Error':
      return new Error(SECRET);
    case 'string':
      return SECRET;
    case 'undefined':
      return undefined;
    case 'null':
      return null;
    case 'evilMessage':
      return evilObject();
    case 'evilError':
      return evilError();
    case 'hostileProxy':
      return hostileProxy();
    case 'WebSocketException':
      return new WebSocketException(4321, 'custom reason');
    case 'hostileWsException':
      return new WsException(HOSTILE_WS_MESSAGE);
    default:
      throw new Error(`not a thrown value: ${how}`);
  }
}

/** Fails the way `how` says: throws, or returns a rejecting promise or an erroring Observable. */
function fail(how: How): any {
  if (how === 'reject') return Promise.reject(new Error(SECRET));
  if (how === 'rejectWebSocketException') return Promise.reject(new WebSocketException(4321, 'custom reason'));
  if (how === 'rejectHostileProxy') return Promise.reject(hostileProxy());
  if (how === 'observable') return throwError(() => new Error(SECRET));
  throw thrownValue(how);
}

/** Thrown to reach the failing filter. */
class FilterTrigger {
  constructor(readonly how: How) {}
}

const filterCalls = vi.fn();

@Catch(FilterTrigger)
class FailingFilter implements ExceptionFilter {
  catch(exception: FilterTrigger) {
    filterCalls(exception.how);
    if (exception.how.startsWith('reject')) {
      return (async () => {
        await Promise.resolve();
        throw exception.how === 'reject' ? new Error(SECRET) : exception.how === 'rejectHostileProxy' ? hostileProxy() : new WebSocketException(4321, 'custom reason');
      })();
    }
    throw thrownValue(exception.how);
  }
}

interface Plan {
  place?: string;
  how?: How;
}

@Injectable()
class ClassGuard implements CanActivate {
  canActivate(context: ExecutionContext) {
    const { place, how } = getHandshake(context.switchToWs().getClient()).query as Plan;
    if (place === 'classGuard') return fail(how!);
    if (place === 'classGuard:false') return false;
    if (place === 'filter(handshake)') throw new FilterTrigger(how!);
    return true;
  }
}

@Injectable()
class MessageGuard implements CanActivate {
  canActivate(context: ExecutionContext) {
    const { how } = context.switchToWs().getData<Plan>();
    if (how === undefined) return false;
    return fail(how);
  }
}

@Injectable()
class FailingPipe implements PipeTransform {
  transform(value: Plan) {
    return fail(value.how!);
  }
}

@Injectable()
class FailingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, _next: CallHandler): Observable<unknown> {
    return fail(context.switchToWs().getData<Plan>().how!);
  }
}

class MatrixQuery {
  @IsOptional() @IsString() place?: string;

  @IsOptional()
  @Transform(({ value, obj }) => ((obj as Plan).place === 'transform' ? fail(value as How) : value))
  @IsString()
  how?: string;
}

const disconnected = { current: deferred() };

@WebSocketGateway({ path: '/matrix' })
@WsHandshake({ query: MatrixQuery })
@UseGuards(ClassGuard)
@UseFilters(WebSocketExceptionFilter, FailingFilter)
class MatrixGateway {
  handleConnection(client: WebSocket) {
    const { place, how } = getHandshake<object, Plan>(client).query;
    if (place === 'handleConnection') return fail(how!);
    if (place === 'filter(connection)') throw new FilterTrigger(how!);
    client.send(JSON.stringify({ event: 'welcome' }));
    return undefined;
  }

  handleDisconnect(client: WebSocket) {
    const { place, how } = getHandshake<object, Plan>(client).query;
    if (place !== 'handleDisconnect') return undefined;
    disconnected.current.resolve();
    return fail(how!);
  }

  @UseGuards(MessageGuard)
  @SubscribeMessage('messageGuard')
  guarded() {
    return { event: 'unreachable' };
  }

  @SubscribeMessage('pipe')
  piped(@MessageBody(FailingPipe) _data: Plan) {
    return { event: 'unreachable' };
  }

  @UseInterceptors(FailingInterceptor)
  @SubscribeMessage('interceptor')
  intercepted() {
    return { event: 'unreachable' };
  }

  @SubscribeMessage('handler')
  handler(@MessageBody() data: Plan) {
    return fail(data.how!);
  }

  @SubscribeMessage('filter(message)')
  filtered(@MessageBody() data: Plan) {
    throw new FilterTrigger(data.how!);
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }

  /** A reply that JSON.stringify cannot write, returned as is, in a promise or in an Observable. */
  @SubscribeMessage('reply')
  reply(@MessageBody() data: { value: string; wrap: string }) {
    const value = unserializable(data.value);
    if (data.wrap === 'promise') return Promise.resolve(value);
    if (data.wrap === 'observable') return of(value);
    return value;
  }
}

function unserializable(kind: string): unknown {
  if (kind === 'bigint') return { event: 'reply', data: 10n };
  if (kind === 'circular') {
    const data: Record<string, unknown> = {};
    data.self = data;
    return { event: 'reply', data };
  }
  return {
    event: 'reply',
    toJSON() {
      throw new Error(`${SECRET} toJSON`);
    },
  };
}

type Phase = 'handshake' | 'message' | 'disconnect';
const PLACES: { place: string; phase: Phase; hows: readonly How[] }[] = [
  { place: 'classGuard', phase: 'handshake', hows: HOWS },
  // A @Transform is synchronous: class-transformer would store a promise or an Observable as the value.
  { place: 'transform', phase: 'handshake', hows: ['Error', 'string', 'undefined', 'null', 'evilMessage', 'evilError', 'hostileProxy', 'WebSocketException', 'hostileWsException'] },
  { place: 'handleConnection', phase: 'handshake', hows: HOWS.filter(how => how !== 'observable') },
  { place: 'filter(handshake)', phase: 'handshake', hows: HOWS.filter(how => how !== 'observable') },
  { place: 'filter(connection)', phase: 'handshake', hows: HOWS.filter(how => how !== 'observable') },
  { place: 'messageGuard', phase: 'message', hows: HOWS },
  { place: 'pipe', phase: 'message', hows: HOWS.filter(how => how !== 'observable') },
  { place: 'interceptor', phase: 'message', hows: HOWS },
  { place: 'handler', phase: 'message', hows: HOWS },
  { place: 'filter(message)', phase: 'message', hows: HOWS.filter(how => how !== 'observable') },
  { place: 'handleDisconnect', phase: 'disconnect', hows: HOWS.filter(how => how !== 'observable') },
];

interface Row {
  place: string;
  phase: Phase;
  how: How;
  code: number | null;
  reason: string | null;
}

const isWsException = (how: How) => how === 'WebSocketException' || how === 'rejectWebSocketException';

const ROWS: Row[] = PLACES.flatMap(({ place, phase, hows }) =>
  hows.map((how): Row => {
    if (phase === 'disconnect') return { place, phase, how, code: null, reason: null };
    // A filter that fails leaves 1011, whatever it was about to throw.
    if (isWsException(how) && !place.startsWith('filter')) return { place, phase, how, code: 4321, reason: 'custom reason' };
    if (how === 'hostileWsException' && !place.startsWith('filter')) {
      return { place, phase, how, code: 1008, reason: encodeCloseReason(HOSTILE_WS_MESSAGE) };
    }
    return { place, phase, how, code: 1011, reason: 'Internal Server Error' };
  }),
);

describe('throw matrix: every place × every failure → the filter table, the process alive', () => {
  let app: INestApplication;
  const watcher = watchProcessFailures();
  const logged = vi.spyOn(Logger.prototype, 'error');

  beforeAll(async () => {
    app = await startApp({ providers: [MatrixGateway, ClassGuard, MessageGuard, FailingPipe, FailingInterceptor, FailingFilter] });
  });
  afterAll(async () => {
    await app.close();
    watcher.stop();
    logged.mockRestore();
  });
  beforeEach(() => {
    filterCalls.mockClear();
    logged.mockClear();
  });
  afterEach(async () => {
    await settle();
    expect(watcher.failures.splice(0)).toEqual([]);
  });

  function expectOutcome(outcome: WsOutcome, row: Row) {
    if (row.place.startsWith('filter')) {
      // The 1011 must come from the failing filter, not from the default one catching the trigger.
      expect(filterCalls).toHaveBeenCalledWith(row.how);
      expect(logged.mock.calls.some(call => String(call[0]).includes('FailingFilter failed while handling an error'))).toBe(true);
    } else {
      expect(filterCalls).not.toHaveBeenCalled();
      if (row.code === 1011 && !row.how.endsWith('HostileProxy') && row.how !== 'hostileProxy') {
        // The default filter logged it, naming the endpoint (it did not fail on a hostile value).
        const lines = logged.mock.calls.map(call => String(call[0]));
        expect(lines.filter(line => line.startsWith('Unhandled error in MatrixGateway.'))).toHaveLength(1);
        expect(lines.filter(line => line.includes('failed while handling'))).toEqual([]);
      }
    }
    expect(outcome).toMatchObject({ kind: 'closed', code: row.code, reason: row.reason });
    const reason = (outcome as { reason: string }).reason;
    expect(reason).not.toContain(SECRET);
    expect(reason).not.toContain('    at ');
  }

  it.each(ROWS.filter(row => row.phase === 'handshake'))('$place, $how → $code', async row => {
    const outcome = await connectWs(app, '/matrix', { query: { place: row.place, how: row.how }, timeout: 2_000 }).outcome;
    expectOutcome(outcome, row);
  });

  it.each(ROWS.filter(row => row.phase === 'message'))('$place, $how → $code', async row => {
    const ws = connectWs(app, '/matrix');
    expect(await ws.receive()).toEqual({ event: 'welcome' });
    ws.send(row.place, { how: row.how });
    expectOutcome(await ws.outcome, row);
  });

  it.each(ROWS.filter(row => row.phase === 'disconnect'))('$place, $how → logged, process alive', async row => {
    logged.mockClear();
    disconnected.current = deferred();
    const ws = connectWs(app, '/matrix', { query: { place: row.place, how: row.how } });
    expect(await ws.receive()).toEqual({ event: 'welcome' });
    expect(await ws.close(1000)).toMatchObject({ kind: 'closed', code: 1000 });
    await disconnected.current.promise;
    await settle();
    // A WsException is the gateway's own answer, not an error: the filter closes (a no-op now) and logs nothing.
    if (isWsException(row.how) || row.how === 'hostileWsException') return;
    await vi.waitFor(() => {
      const lines = logged.mock.calls.map(call => String(call[0]));
      expect(lines.some(line => line.includes('MatrixGateway.handleDisconnect'))).toBe(true);
    });
  });

  const REPLIES = [
    { value: 'bigint', wrap: 'value' },
    { value: 'bigint', wrap: 'promise' },
    { value: 'bigint', wrap: 'observable' },
    { value: 'circular', wrap: 'value' },
    { value: 'throwingToJSON', wrap: 'observable' },
  ];
  it.each(REPLIES)('a handler reply JSON cannot write ($value, as a $wrap) → 1011, process alive', async ({ value, wrap }) => {
    const ws = connectWs(app, '/matrix', { timeout: 2_000 });
    expect(await ws.receive()).toEqual({ event: 'welcome' });
    ws.send('reply', { value, wrap });
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1011, reason: 'Internal Server Error' });
  });

  it('a guard that returns false: 1008 Forbidden resource (the text Nest uses) at the handshake and at a message', async () => {
    expect(await connectWs(app, '/matrix', { query: { place: 'classGuard:false' } }).outcome).toMatchObject({
      kind: 'closed',
      code: 1008,
      reason: 'Forbidden resource',
    });
    const ws = connectWs(app, '/matrix');
    expect(await ws.receive()).toEqual({ event: 'welcome' });
    ws.send('messageGuard', {});
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1008, reason: 'Forbidden resource' });
  });

  it('still admits a client and echoes after every row', async () => {
    const ws = connectWs(app, '/matrix');
    expect(await ws.receive()).toEqual({ event: 'welcome' });
    ws.send('echo', 'alive');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'alive' });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
    expect(watcher.failures.splice(0)).toEqual([]);
  });
});
