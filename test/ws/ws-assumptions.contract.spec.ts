import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket as WsSocket, WebSocketServer as WsServer } from 'ws';
import { loadWsPackage } from '../../src/adapter/ws-package.js';

/**
 * What the library relies on in `ws` (the copy @nestjs/platform-ws loads) beyond its documented
 * API, each failure naming the assumption and the ws file it mirrors.
 */
const broken = (assumption: string, wsFile: string) => `ws assumption broken: ${assumption} (mirrors ${wsFile})`;
const { WebSocket, WebSocketServer } = loadWsPackage();

describe('ws internals this library relies on', () => {
  let http: Server;
  let wss: WsServer;
  const clients: WsSocket[] = [];

  async function serve(options: Record<string, unknown>, onClient: (socket: WsSocket) => void): Promise<string> {
    wss = new WebSocketServer({ noServer: true, ...options });
    http = createServer();
    http.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, onClient));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    return `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    wss?.close();
    await new Promise(resolve => http?.close(resolve));
  });

  it('builds clients from the `WebSocket` server option, and adds them to `clients` before the upgrade callback', async () => {
    class Marked extends WebSocket {}
    let sawTracked: boolean | undefined;
    let sawClass: boolean | undefined;
    const url = await serve({ WebSocket: Marked }, socket => {
      sawClass = socket instanceof Marked;
      sawTracked = wss.clients.has(socket);
    });
    const client = new WebSocket(url);
    clients.push(client);
    await once(client, 'open');
    expect(sawClass, broken('the `WebSocket` option is the class of server-side clients', 'lib/websocket-server.js#completeUpgrade')).toBe(true);
    expect(sawTracked, broken('a client is in `clients` when the handleUpgrade callback runs (admission takes it out)', 'lib/websocket-server.js#completeUpgrade')).toBe(true);
  });

  it('sets `_closeFrameReceived` before it answers a client’s close frame through `close()`', async () => {
    let answeredAfterFrame: boolean | undefined;
    class Watching extends WebSocket {
      override close(code?: number, data?: string | Buffer): void {
        if (answeredAfterFrame === undefined) answeredAfterFrame = (this as unknown as { _closeFrameReceived?: boolean })._closeFrameReceived;
        super.close(code, data);
      }
    }
    const closed = new Promise(resolve => void serve({ WebSocket: Watching }, socket => socket.once('close', resolve)).then(url => {
      const client = new WebSocket(url);
      clients.push(client);
      client.once('open', () => client.close(4000, 'bye'));
    }));
    await closed;
    expect(answeredAfterFrame, broken('`_closeFrameReceived` tells the client’s close from the server’s', 'lib/websocket.js (receiverOnConclude)')).toBe(true);
  });
});
