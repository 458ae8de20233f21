import { UseFilters, Catch, type ArgumentsHost } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, ConnectedSocket } from '@nestjs/websockets';
import { Type } from 'class-transformer';
import { IsInt, IsString } from 'class-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { WebSocket } from 'ws';
import {
  WebSocketException,
  WebSocketExceptionFilter,
  WebSocketRequestValidationError,
  WsHandshake,
  WsStatus,
  closeWebSocket,
  getEndpointContext,
  getHandshake,
  HandshakeParams,
  HandshakeQuery,
  type EndpointContext,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';

class ItemParams {
  @IsString() itemId!: string;
}
class SessionCookies {
  @IsString() session!: string;
}
class QueryDto {
  @IsInt() q!: number;
}

@WebSocketGateway({ path: '/items/:itemId/ws' })
@WsHandshake({ params: ItemParams, cookies: SessionCookies })
@UseFilters(WebSocketExceptionFilter)
class ItemsGateway {
  @SubscribeMessage('echo')
  echo(@HandshakeParams() params: ItemParams, @MessageBody() text: string) {
    return { event: 'echo', data: `Message text was: ${text}, for item ID: ${params.itemId}` };
  }
}

@WebSocketGateway({ path: '/ws' })
@WsHandshake({ query: QueryDto })
@UseFilters(WebSocketExceptionFilter)
class QueryGateway {
  handleConnection(client: WebSocket) {
    const { query } = getHandshake<object, QueryDto>(client);
    client.send(JSON.stringify({ event: 'hello', data: `Query param q is: ${query.q}` }));
  }
}

const seen: EndpointContext[] = [];
@Catch(WebSocketRequestValidationError)
class Close1003Filter {
  catch(exception: WebSocketRequestValidationError, host: ArgumentsHost) {
    seen.push(getEndpointContext(host)!);
    closeWebSocket(host.switchToWs().getClient(), WsStatus.WS_1003_UNSUPPORTED_DATA, exception.errors());
  }
}

@WebSocketGateway({ path: '/custom' })
@WsHandshake({ query: QueryDto })
@UseFilters(WebSocketExceptionFilter, Close1003Filter)
class CustomGateway {
  @SubscribeMessage('throw')
  boom(@ConnectedSocket() _client: WebSocket, @HandshakeQuery('q') q: number) {
    throw new WebSocketException(4001, `nope: ${q}`);
  }
}

describe('the seed scenarios', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ providers: [ItemsGateway, QueryGateway, CustomGateway, Close1003Filter] });
  });
  afterAll(() => app.close());

  it('admits /items/foo/ws with a session cookie and echoes', async () => {
    const ws = connectWs(app, '/items/foo/ws', { cookies: { session: 'abc' } });
    await ws.opened;
    ws.send('echo', 'hi');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'Message text was: hi, for item ID: foo' });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  });

  it('closes with 1008 and a JSON reason when the cookie is missing', async () => {
    const outcome = await connectWs(app, '/items/foo/ws').outcome;
    expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
    const reason = JSON.parse((outcome as { reason: string }).reason);
    expect(reason).toEqual([{ type: 'missing', loc: ['cookie', 'session'], msg: 'Field required' }]);
  });

  it('converts ?q=3 to a number', async () => {
    const ws = connectWs(app, '/ws', { query: { q: '3' } });
    expect(await ws.receive()).toEqual({ event: 'hello', data: 'Query param q is: 3' });
    await ws.close();
  });

  it('closes ?q=abc with 1008 and isInt', async () => {
    const outcome = await connectWs(app, '/ws?q=abc').outcome;
    expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
    const [item] = JSON.parse((outcome as { reason: string }).reason);
    expect(item).toMatchObject({ type: 'isInt', loc: ['query', 'q'], input: 'abc' });
  });

  it('lets a custom filter close with 1003 and read the endpoint context', async () => {
    const outcome = await connectWs(app, '/custom').outcome;
    expect(outcome).toMatchObject({ kind: 'closed', code: 1003 });
    // CustomGateway has no handleConnection: the context never names a method that does not exist.
    expect(seen.at(-1)).toMatchObject({
      gateway: CustomGateway,
      handler: CustomGateway,
      function: 'CustomGateway',
      path: 'WS /custom',
      phase: 'handshake',
    });
  });

  it('closes with the WebSocketException code from a message handler', async () => {
    const ws = connectWs(app, '/custom?q=7');
    await ws.opened;
    ws.send('throw');
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 4001, reason: 'nope: 7' });
  });

  it('answers 404 for an unknown path', async () => {
    expect(await connectWs(app, '/nowhere').outcome).toMatchObject({ kind: 'refused', status: 404 });
  });
});
