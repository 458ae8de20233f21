import { Catch, Logger, UseFilters, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsInt } from 'class-validator';
import { Observable, throwError } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketException, WebSocketExceptionFilter, WsHandshake } from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';

/** What each broken filter was handed, to be sure it did run. */
const caught: string[] = [];

@Catch()
class ThrowingFilter implements ExceptionFilter {
  catch(exception: unknown): void {
    caught.push(`throwing:${(exception as Error).message}`);
    throw new Error('the filter itself broke');
  }
}

@Catch()
class RejectingFilter implements ExceptionFilter {
  async catch(exception: unknown): Promise<void> {
    caught.push(`rejecting:${(exception as Error).message}`);
    await Promise.resolve();
    throw new Error('the filter itself broke, later');
  }
}

@Catch()
class ObservableFilter implements ExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    caught.push(`observable:${(exception as Error).message}`);
    return throwError(() => new Error('the filter itself broke, in an Observable'));
  }
}

class Query {
  @IsInt() q!: number;
}

function gatewayFor(path: string, filter: new () => ExceptionFilter) {
  @WebSocketGateway({ path })
  @WsHandshake({ query: Query })
  @UseFilters(WebSocketExceptionFilter, filter)
  class BrokenFilterGateway {
    @SubscribeMessage('boom')
    boom(@MessageBody() style: string): unknown {
      const error = new WebSocketException(4001, 'boom');
      if (style === 'async') return Promise.reject(error);
      if (style === 'observable') return throwError(() => error);
      throw error;
    }
    @SubscribeMessage('echo')
    echo(@MessageBody() data: unknown) {
      return { event: 'echo', data };
    }
  }
  return BrokenFilterGateway;
}

const filters = [
  { name: 'throws synchronously', path: '/throwing', filter: ThrowingFilter, tag: 'throwing' },
  { name: 'returns a rejected promise', path: '/rejecting', filter: RejectingFilter, tag: 'rejecting' },
  { name: 'errors in an Observable', path: '/observable', filter: ObservableFilter, tag: 'observable' },
];

describe('a filter that fails', () => {
  let app: INestApplication;
  const unhandledRejection = vi.fn();
  const uncaughtException = vi.fn();

  beforeAll(async () => {
    process.on('unhandledRejection', unhandledRejection);
    process.on('uncaughtException', uncaughtException);
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    app = await startApp({
      providers: [...filters.map(({ path, filter }) => gatewayFor(path, filter)), ThrowingFilter, RejectingFilter, ObservableFilter],
    });
  });
  afterAll(async () => {
    await app.close();
    process.off('unhandledRejection', unhandledRejection);
    process.off('uncaughtException', uncaughtException);
    vi.restoreAllMocks();
  });

  async function expectStillServing(path: string): Promise<void> {
    const ws = connectWs(app, path, { query: { q: '1' } });
    await ws.opened;
    ws.send('echo', 'alive');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'alive' });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  }

  describe.each(filters)('when it $name', ({ path, tag }) => {
    it.each(['sync', 'async', 'observable'])('closes with 1011 after a %s message error; the process survives', async style => {
      caught.length = 0;
      const ws = connectWs(app, path, { query: { q: '1' } });
      await ws.opened;
      ws.send('boom', style);
      expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1011, reason: 'Internal Server Error' });
      expect(caught).toEqual([`${tag}:boom`]);
      await expectStillServing(path);
      expect(unhandledRejection).not.toHaveBeenCalled();
      expect(uncaughtException).not.toHaveBeenCalled();
    });
  });

  // Filters that fail at the handshake (before the socket is accepted): the adapter waits
  // for an async filter's verdict before it falls back to the default.
  it.each(filters)(
    'closes with 1011 when it $name on a handshake validation error; the process survives',
    async ({ path, tag }) => {
      caught.length = 0;
      const outcome = await connectWs(app, path, { query: { q: 'abc' } }).outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1011, reason: 'Internal Server Error' });
      expect(caught).toEqual([`${tag}:1 validation error`]);
      await expectStillServing(path);
      expect(unhandledRejection).not.toHaveBeenCalled();
      expect(uncaughtException).not.toHaveBeenCalled();
    },
  );
});
