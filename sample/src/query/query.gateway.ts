import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import { HandshakeQuery, WsHandshake, WsSends, getHandshake } from 'nestjs-ws-errors';
import type { WebSocket } from 'ws';
import { QueryDto } from './query.dto.js';

/**
 * A query DTO and the default validation handler: no `@UseFilters` here, the
 * `WebSocketExceptionFilter` that `ValidatingWsAdapter` applies by default closes
 * `?q=abc` with 1008 and the JSON of the validation errors.
 */
@WebSocketGateway({ path: '/ws' })
@WsHandshake({ query: QueryDto })
@WsSends({ event: 'query', payload: String, description: 'Sent once the client is admitted' })
export class QueryGateway implements OnGatewayConnection {
  handleConnection(client: WebSocket): void {
    const { query } = getHandshake<object, QueryDto>(client);
    client.send(JSON.stringify({ event: 'query', data: `Query param q is: ${query.q}` }));
  }

  @SubscribeMessage('echo')
  @WsSends({ event: 'echo', payload: String })
  echo(@HandshakeQuery('q') q: number, @MessageBody() text: unknown) {
    return { event: 'echo', data: `Message text was: ${String(text)}, q is: ${q}` };
  }
}
