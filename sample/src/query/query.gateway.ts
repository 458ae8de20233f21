import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import { HandshakeQuery, WsHandshake, getHandshake } from 'nestjs-ws-errors';
import type { WebSocket } from 'ws';
import { QueryDto } from './query.dto.js';

/**
 * A query DTO and the default validation handler: no `@UseFilters` here, the
 * `WebSocketExceptionFilter` that `ValidatingWsAdapter` applies by default closes
 * `?q=abc` with 1008 and the JSON of the validation errors.
 */
@WebSocketGateway({ path: '/ws' })
@WsHandshake({ query: QueryDto })
export class QueryGateway implements OnGatewayConnection {
  handleConnection(client: WebSocket): void {
    const { query } = getHandshake<object, QueryDto>(client);
    client.send(JSON.stringify({ event: 'query', data: `Query param q is: ${query.q}` }));
  }

  @SubscribeMessage('echo')
  echo(@HandshakeQuery('q') q: number, @MessageBody() text: unknown) {
    return { event: 'echo', data: `Message text was: ${String(text)}, q is: ${q}` };
  }
}
