import { UseFilters, type INestApplication } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket, WebSocketServer as WsServer } from 'ws';
import { WebSocketException, WebSocketExceptionFilter, WsHandshake, getHandshake } from '../../../src/index.js';
import { connectWs, type WsTestConnection } from '../../../src/testing/index.js';
import { startApp } from '../../fixtures/app.js';

/** Released by the test once the broadcast is over: until then refused clients sit in handleConnection. */
let releaseRefusals!: () => void;
const refusalsReleased = new Promise<void>(resolve => (releaseRefusals = resolve));
const inHandleConnection = { refused: 0 };
const sendErrors: string[] = [];
const disconnects: string[] = [];

@WebSocketGateway({ path: '/room' })
@WsHandshake()
@UseFilters(WebSocketExceptionFilter)
class RoomGateway {
  @WebSocketServer() server!: WsServer;

  async handleConnection(client: WebSocket) {
    const { who } = getHandshake(client).query as { who?: string };
    // What users do: greet in handleConnection. Held until admission, dropped on refusal.
    client.send(JSON.stringify({ event: 'welcome', data: who }), error => {
      if (error) sendErrors.push(error.message);
    });
    if (who !== 'refused') return;
    inHandleConnection.refused++;
    await refusalsReleased;
    throw new WebSocketException(4003, 'not in this room');
  }

  handleDisconnect(client: WebSocket) {
    disconnects.push(String(getHandshake(client).query.who));
  }

  broadcast(n: number): number {
    let reached = 0;
    for (const client of this.server.clients) {
      client.send(JSON.stringify({ event: 'tick', data: n }));
      reached++;
    }
    return reached;
  }

  @SubscribeMessage('ping')
  ping() {
    return { event: 'pong' };
  }
}

/** Every message a connection received, counted on the raw socket. */
function recordMessages(connection: WsTestConnection): unknown[] {
  const seen: unknown[] = [];
  connection.socket.on('message', data => seen.push(JSON.parse(data.toString())));
  return seen;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setImmediate(resolve));
  }
}

describe('Admission is a boundary (@WsHandshake gateways)', () => {
  let app: INestApplication;
  let gateway: RoomGateway;

  beforeAll(async () => {
    app = await startApp({ providers: [RoomGateway] });
    gateway = app.get(RoomGateway);
  });
  afterAll(() => app.close());

  it('50 admitted and 50 pending clients: a broadcast reaches every admitted client and no pending one', async () => {
    const admitted = Array.from({ length: 50 }, () => connectWs(app, '/room', { query: { who: 'admitted' }, timeout: 20_000 }));
    const admittedSeen = admitted.map(recordMessages);
    await until(() => admittedSeen.every(seen => seen.length === 1), 'every admitted welcome');

    const pending = Array.from({ length: 50 }, () => connectWs(app, '/room', { query: { who: 'refused' }, timeout: 20_000 }));
    const pendingSeen = pending.map(recordMessages);
    await Promise.all(pending.map(connection => connection.opened));
    await until(() => inHandleConnection.refused === 50, 'every pending client inside handleConnection');

    const ticks = 40;
    for (let n = 0; n < ticks; n++) {
      // Only admitted clients are in server.clients while the others are checked.
      expect(gateway.broadcast(n)).toBe(50);
      await new Promise(resolve => setTimeout(resolve, 3));
    }
    releaseRefusals();

    for (const outcome of await Promise.all(pending.map(connection => connection.outcome))) {
      expect(outcome).toMatchObject({ kind: 'closed', code: 4003, reason: 'not in this room' });
    }
    await until(() => admittedSeen.every(seen => seen.length === 1 + ticks), 'every tick at every admitted client');
    for (const seen of pendingSeen) expect(seen).toEqual([]);
    const expected = [{ event: 'welcome', data: 'admitted' }, ...Array.from({ length: ticks }, (_, n) => ({ event: 'tick', data: n }))];
    for (const seen of admittedSeen) expect(seen).toEqual(expected);

    // The refused clients' welcomes were dropped, and their send callbacks told so.
    await until(() => sendErrors.length === 50, 'a send error per refused welcome');
    expect(new Set(sendErrors)).toEqual(new Set(['The message was not sent: the client was refused before it was admitted']));
    // A refused client never reaches handleDisconnect; an admitted one that leaves does.
    expect(disconnects).toEqual([]);
    await Promise.all(admitted.map(connection => connection.close()));
    await until(() => disconnects.length === 50, 'handleDisconnect of every admitted client');
    expect(new Set(disconnects)).toEqual(new Set(['admitted']));
  });
});
