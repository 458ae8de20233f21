import { type INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';

/**
 * After the server has sent its close frame no reply can reach the client, so a message that
 * crossed that frame must not be handled: a client that resends what got no reply (after a
 * shutdown, on another process) would otherwise have it handled twice.
 */
const handled: number[] = [];
const serverSide: WebSocket[] = [];

@WebSocketGateway({ path: '/jobs' })
class JobsGateway {
  handleConnection(client: WebSocket) {
    serverSide.push(client);
  }
  @SubscribeMessage('job')
  job(@MessageBody() id: number) {
    handled.push(id);
    return { event: 'ack', data: id };
  }
}

describe('messages that arrive after our close frame', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ providers: [JobsGateway] });
  });
  afterAll(() => app.close());

  it('are not handled, and the close completes as usual', async () => {
    const ws = connectWs(app, '/jobs');
    await ws.opened;
    ws.send('job', 1);
    expect(await ws.receive()).toEqual({ event: 'ack', data: 1 });
    // The server closes (as a shutdown does); in the same tick, before the client can have
    // read that close frame, the client sends two more messages. They reach a closing socket.
    serverSide[0]!.close(1001, 'Going Away');
    ws.send('job', 2);
    ws.send('job', 3);
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1001, reason: 'Going Away', wasClean: true });
    expect(handled).toEqual([1]);
  });
});
