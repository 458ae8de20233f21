import { HttpException, Logger, UseFilters, type INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { Observable, throwError } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  shouldReconnect,
  WebSocketException,
  WebSocketExceptionFilter,
  WebSocketRequestValidationError,
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
  HttpException: { make: () => new HttpException('forbidden', 403), code: 1011, reason: 'Internal Server Error' },
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
      if (row === 'HttpException') {
        expect(warn).toHaveBeenCalledWith(expect.stringContaining(where));
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('WebSocketException(code, reason)'));
      }
      if (row === 'Error') {
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
