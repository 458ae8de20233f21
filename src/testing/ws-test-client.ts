import type { INestApplication } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { loadWsPackage } from '../adapter/ws-package.js';
import { shouldReconnect } from '../close-frame/close-code-advice.js';

/** What a test asks of a connection: like Starlette's `TestClient.websocket_connect`. */
export interface WsConnectOptions {
  /** `{ q: '3' }` or `{ tag: ['a', 'b'] }`: appended to the path's own query. */
  query?: Record<string, string | number | boolean | readonly (string | number | boolean)[]>;
  headers?: Record<string, string>;
  /** Sent as one `Cookie` header. */
  cookies?: Record<string, string>;
  /** Sets the `Origin` header, as a browser would. */
  origin?: string;
  protocols?: string | string[];
  /** Milliseconds before `outcome` gives up; 5 000 by default. */
  timeout?: number;
  /** The local address to connect from, e.g. `127.0.0.3`: another client on the same loopback. */
  localAddress?: string;
}

/**
 * How a connection ended: a close frame, a refused upgrade, or a drop with neither.
 * `allowReconnect` is `shouldReconnect(code)`: whether a real client should reconnect (with backoff).
 */
export type WsOutcome =
  | { kind: 'closed'; code: number; reason: string; wasClean: boolean; allowReconnect: boolean }
  | { kind: 'refused'; status: number; body: unknown };

/**
 * A connection to a gateway under test: send, receive, and a promise of how it ended.
 * @publicApi
 */
export class WsTestConnection {
  readonly #messages: unknown[] = [];
  readonly #waiters: ((message: unknown) => void)[] = [];
  /** Resolves when the upgrade succeeded, rejects when it was refused or failed. */
  readonly opened: Promise<void>;
  /** Resolves with how the connection ended; never rejects. */
  readonly outcome: Promise<WsOutcome>;

  constructor(readonly socket: WebSocket, timeout: number) {
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? data : data.toString();
      const message = typeof text === 'string' ? parseJson(text) : text;
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#messages.push(message);
    });
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response: IncomingMessage) =>
        reject(new Error(`upgrade refused with HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.outcome = new Promise<WsOutcome>(resolve => {
      const timer = setTimeout(() => {
        socket.terminate();
      }, timeout);
      socket.once('unexpected-response', (_request, response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ kind: 'refused', status: response.statusCode ?? 0, body: parseJson(Buffer.concat(chunks).toString()) });
          socket.terminate();
        });
        response.on('error', () => undefined);
      });
      socket.once('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ kind: 'closed', code, reason: reason.toString(), wasClean: code !== 1006, allowReconnect: shouldReconnect(code) });
      });
      socket.on('error', () => undefined);
    });
  }

  /** Sends `{ event, data }`, the format Nest's `WsAdapter` reads. */
  send(event: string, data?: unknown): void {
    this.socket.send(JSON.stringify({ event, data }));
  }

  /** Sends a frame as it is. */
  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary: options.binary ?? typeof data !== 'string' });
  }

  /** The next message (JSON-parsed when it is JSON), or a rejection when the socket closes first. */
  receive(timeout = 5_000): Promise<unknown> {
    if (this.#messages.length > 0) return Promise.resolve(this.#messages.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within the timeout')), timeout);
      const waiter = (message: unknown) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.#waiters.push(waiter);
      void this.outcome.then(outcome => {
        const index = this.#waiters.indexOf(waiter);
        if (index === -1) return;
        this.#waiters.splice(index, 1);
        clearTimeout(timer);
        reject(new Error(`connection ended before a message: ${JSON.stringify(outcome)}`));
      });
    });
  }

  /** Closes from the client side and waits for the end. */
  async close(code = 1000, reason = ''): Promise<WsOutcome> {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(code, reason);
    else if (this.socket.readyState === this.socket.CONNECTING) this.socket.terminate();
    return this.outcome;
  }
}

/**
 * Opens a WebSocket to a listening Nest app (or a base URL) on `path`.
 *
 * ```ts
 * const ws = connectWs(app, '/items/foo/ws', { cookies: { session: 'abc' } });
 * await ws.opened;
 * ws.send('echo', 'hi');
 * expect(await ws.receive()).toEqual(...);
 * expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
 * ```
 * @publicApi
 */
export function connectWs(target: INestApplication | string, path: string, options: WsConnectOptions = {}): WsTestConnection {
  const url = new URL(path, baseUrl(target));
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
  }
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookies) {
    headers.cookie = Object.entries(options.cookies)
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join('; ');
  }
  const { WebSocket: Client } = loadWsPackage();
  const socket = new Client(url.href.replace(/^http/, 'ws'), options.protocols, {
    headers,
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  return new WsTestConnection(socket, options.timeout ?? 5_000);
}

/** `ws://127.0.0.1:PORT` of a listening app (or the string given). */
export function baseUrl(target: INestApplication | string): string {
  if (typeof target === 'string') return target;
  const address = target.getHttpServer().address() as AddressInfo | string | null;
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `ws://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
