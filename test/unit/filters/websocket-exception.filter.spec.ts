import {
  BadRequestException,
  Catch,
  ForbiddenException,
  HttpException,
  HttpStatus,
  InternalServerErrorException,
  Logger,
  UnauthorizedException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { WsException } from '@nestjs/websockets';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runFilterSafely } from '../../../src/filters/filter-chain.js';
import { WebSocketException, WebSocketExceptionFilter, WebSocketRequestValidationError, type CloseFrame } from '../../../src/index.js';

class FakeClient {
  readyState = 1;
  closes: [number, string][] = [];
  close(code: number, reason: string) {
    this.closes.push([code, reason]);
    this.readyState = 2;
  }
}

function hostFor(client: FakeClient): ArgumentsHost {
  const host = new ExecutionContextHost([client, {}, 'event']);
  host.setType('ws');
  return host;
}

const item = { type: 'missing', loc: ['body', 'name'], msg: 'Field required' };

describe('WebSocketExceptionFilter', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['WebSocketException', new WebSocketException(4001, 'nope: ws'), 4001, 'nope: ws'],
    ['WebSocketRequestValidationError', new WebSocketRequestValidationError([item]), 1008, JSON.stringify([item])],
    ['WsException', new WsException('nope'), 1008, 'nope'],
    ['HttpException(403)', new HttpException('forbidden', 403), 4403, 'forbidden'],
    ['UnauthorizedException()', new UnauthorizedException(), 4401, 'Unauthorized'],
    ["ForbiddenException('no access')", new ForbiddenException('no access'), 4403, 'no access'],
    ['HttpException(429)', new HttpException('slow down', HttpStatus.TOO_MANY_REQUESTS), 4429, 'slow down'],
    ['HttpException(499)', new HttpException('closed', 499), 4499, 'closed'],
    ['BadRequestException([messages])', new BadRequestException(['name must be a string']), 4400, '["name must be a string"]'],
    ['HttpException with an object response', new HttpException({ error: 'Conflict' }, 409), 4409, 'Http Exception'],
    ['InternalServerErrorException', new InternalServerErrorException('db password is hunter2'), 1011, 'Internal Server Error'],
    ['HttpException(503)', new HttpException('secret', 503), 1011, 'Internal Server Error'],
    ['HttpException(302)', new HttpException('secret', 302), 1011, 'Internal Server Error'],
    ['Error', new Error('secret'), 1011, 'Internal Server Error'],
    ['a thrown string', 'secret', 1011, 'Internal Server Error'],
  ])('closes %s with its row of the table', (_name, exception, code, reason) => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const client = new FakeClient();
    new WebSocketExceptionFilter().catch(exception, hostFor(client));
    expect(client.closes).toEqual([[code, reason]]);
  });

  it('fits an array message (ValidationPipe) to 123 bytes of JSON that still parses', () => {
    const messages = Array.from({ length: 6 }, (_, i) => `field${i} must be a string shorter than forty characters`);
    const client = new FakeClient();
    new WebSocketExceptionFilter().catch(new BadRequestException(messages), hostFor(client));
    const [[code, reason]] = client.closes as [[number, string]];
    expect(code).toBe(4400);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(JSON.parse(reason)).toEqual(messages.slice(0, 2));
  });

  it('sends a 4xx without logging it, as Nest does over HTTP', () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    new WebSocketExceptionFilter().catch(new UnauthorizedException(), hostFor(new FakeClient()));
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('logs a 5xx with its message, which the client never gets', () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const client = new FakeClient();
    new WebSocketExceptionFilter().catch(new InternalServerErrorException('db password is hunter2'), hostFor(client));
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![1])).toContain('hunter2');
    expect(client.closes).toEqual([[1011, 'Internal Server Error']]);
  });

  it('gives the old behaviour back with one override of httpExceptionToCloseFrame', () => {
    @Catch()
    class EveryHttpExceptionIs1011 extends WebSocketExceptionFilter {
      protected override httpExceptionToCloseFrame(): CloseFrame {
        return { code: 1011, reason: 'Internal Server Error' };
      }
    }
    const client = new FakeClient();
    new EveryHttpExceptionIs1011().catch(new ForbiddenException('no access'), hostFor(client));
    expect(client.closes).toEqual([[1011, 'Internal Server Error']]);
  });

  it('logs an unknown error with its stack, never sending its message', () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const client = new FakeClient();
    new WebSocketExceptionFilter().catch(new Error('secret'), hostFor(client));
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![1])).toContain('secret');
    expect(client.closes[0]![1]).not.toContain('secret');
  });
});

describe('runFilterSafely', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['throws', () => { throw new Error('filter broke'); }],
    ['rejects', () => Promise.reject(new Error('filter broke'))],
  ])('closes the client with 1011 when the filter %s', async (_name, catchFn) => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const client = new FakeClient();
    const filter = { catch: catchFn } as unknown as ExceptionFilter;
    let done: Promise<void> | undefined;
    expect(() => (done = runFilterSafely(filter, new Error('x'), hostFor(client)))).not.toThrow();
    // A rejecting filter gives a promise that settles once the client is closed; a throwing one, nothing to wait for.
    await done;
    expect(client.closes).toEqual([[1011, 'Internal Server Error']]);
  });
});
