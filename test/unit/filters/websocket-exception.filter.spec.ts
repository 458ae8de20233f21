import { HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { WsException } from '@nestjs/websockets';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runFilterSafely } from '../../../src/filters/filter-chain.js';
import { WebSocketException, WebSocketExceptionFilter, WebSocketRequestValidationError } from '../../../src/index.js';

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
    ['HttpException', new HttpException('forbidden', 403), 1011, 'Internal Server Error'],
    ['Error', new Error('secret'), 1011, 'Internal Server Error'],
    ['a thrown string', 'secret', 1011, 'Internal Server Error'],
  ])('closes %s with its row of the table', (_name, exception, code, reason) => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const client = new FakeClient();
    new WebSocketExceptionFilter().catch(exception, hostFor(client));
    expect(client.closes).toEqual([[code, reason]]);
  });

  it('warns about an HttpException, pointing to WebSocketException', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    new WebSocketExceptionFilter().catch(new HttpException('forbidden', 403), hostFor(new FakeClient()));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('WebSocketException');
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
