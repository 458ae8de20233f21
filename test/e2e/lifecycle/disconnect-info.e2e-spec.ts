import { UseFilters, type INestApplication } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { WebSocketExceptionFilter, getDisconnectInfo, getHandshake } from '../../../src/index.js';
import { connectWs } from '../../../src/testing/index.js';
import { startApp } from '../../fixtures/app.js';
import { deferred } from '../../fixtures/hostile-raw.js';
import { departures, LifecycleGateway } from './lifecycle-gateway.js';

const MAX_PAYLOAD = 4 * 1024;
const MAX_PENDING = 4;

/** handleConnection waits until the test lets it go: messages meanwhile are held, up to maxPendingMessages. */
const connectGate = deferred<void>();

@WebSocketGateway({ path: '/held' })
@UseFilters(WebSocketExceptionFilter)
class HeldGateway {
  async handleConnection() {
    await connectGate.promise;
  }
  handleDisconnect(client: WebSocket, nestCode: unknown) {
    departures.record(String(getHandshake(client).query.tag), { info: getDisconnectInfo(client), nestCode, client });
  }
}

describe('getDisconnectInfo(client): why a client left, in handleDisconnect and after', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp(
      { providers: [LifecycleGateway, HeldGateway] },
      { maxPayload: MAX_PAYLOAD, maxPendingMessages: MAX_PENDING, heartbeat: false },
    );
  });
  afterAll(() => {
    connectGate.resolve();
    return app.close();
  });

  it('is undefined while the client is connected', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'connected' } });
    await ws.opened;
    ws.send('info');
    expect(await ws.receive()).toEqual({ event: 'info', data: null });
    await ws.close();
  });

  it("the client's own close frame: its code and reason; Nest's second argument is still ws' close code", async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'client-close' } });
    await ws.opened;
    await ws.close(4000, 'bye');
    const { info, nestCode, client } = await departures.of('client-close');
    expect(info).toEqual({ code: 4000, reason: 'bye', wasClean: true, initiator: 'client', cause: 'client' });
    expect(nestCode).toBe(4000);
    // Still there after handleDisconnect.
    expect(getDisconnectInfo(client)).toBe(info);
  });

  it('a client that drops its connection without a close frame', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'client-drop' } });
    await ws.opened;
    (ws.socket as unknown as { _socket: { destroy(): void } })._socket.destroy();
    const { info } = await departures.of('client-drop');
    expect(info).toEqual({ code: 1006, reason: '', wasClean: false, initiator: 'client', cause: 'client' });
  });

  it('our close after an error, with the code we sent', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'error' } });
    await ws.opened;
    ws.send('fail');
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 4001, reason: 'nope' });
    expect((await departures.of('error')).info).toEqual({ code: 4001, reason: 'nope', wasClean: true, initiator: 'server', cause: 'error' });
  });

  it("the app's own client.close(code, reason) is the server's close", async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'kicked' } });
    await ws.opened;
    ws.send('kick');
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 4000, reason: 'kicked' });
    expect((await departures.of('kicked')).info).toEqual({ code: 4000, reason: 'kicked', wasClean: true, initiator: 'server', cause: 'error' });
  });

  it('a message over maxPayload: ws closes with 1009, cause limit', async () => {
    const ws = connectWs(app, '/life', { query: { tag: 'too-big' } });
    await ws.opened;
    ws.send('echo', 'x'.repeat(MAX_PAYLOAD * 2));
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1009, allowReconnect: false });
    expect((await departures.of('too-big')).info).toMatchObject({ code: 1009, initiator: 'server', cause: 'limit' });
  });

  it('too many messages before admission: 1008, cause limit', async () => {
    const ws = connectWs(app, '/held', { query: { tag: 'held' } });
    await ws.opened;
    for (let i = 0; i <= MAX_PENDING; i++) ws.send('anything', i);
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1008, reason: 'Too many messages before admission' });
    expect((await departures.of('held')).info).toEqual({
      code: 1008,
      reason: 'Too many messages before admission',
      wasClean: true,
      initiator: 'server',
      cause: 'limit',
    });
  });
});
