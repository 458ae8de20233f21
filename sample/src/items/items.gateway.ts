import { UseFilters } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import {
  HandshakeCookies,
  HandshakeParams,
  WebSocketException,
  WebSocketExceptionFilter,
  WsCloseCodes,
  WsHandshake,
  WsSends,
  WsStatus,
  getHandshake,
} from 'nestjs-ws-errors';
import type { WebSocket } from 'ws';
import { ItemHandshake, ItemParams, SessionCookies } from './items.dto.js';

/**
 * FastAPI's `/items/{item_id}/ws`: a path parameter and an optional cookie, whose absence
 * the gateway turns into a close frame with 1008 and a reason the client can read.
 */
@WebSocketGateway({ path: '/items/:itemId/ws' })
@WsHandshake(ItemHandshake)
@UseFilters(WebSocketExceptionFilter)
@WsCloseCodes({ code: WsStatus.WS_1008_POLICY_VIOLATION, reason: 'Session cookie missing', when: 'the session cookie is absent', phase: 'handshake' })
@WsSends({ event: 'session', payload: String, description: 'Sent once the client is admitted' })
export class ItemsGateway implements OnGatewayConnection {
  handleConnection(client: WebSocket): void {
    const { cookies } = getHandshake(client, ItemHandshake); // cookies: SessionCookies
    if (!cookies.session) {
      throw new WebSocketException(WsStatus.WS_1008_POLICY_VIOLATION, 'Session cookie missing');
    }
    // Held until the client is admitted (this hook has returned): a refused client never receives it.
    client.send(JSON.stringify({ event: 'session', data: `Session cookie value is: ${cookies.session}` }));
  }

  @SubscribeMessage('echo')
  @WsSends({ event: 'echo', payload: String })
  echo(@HandshakeParams() params: ItemParams, @HandshakeCookies() _cookies: SessionCookies, @MessageBody() text: unknown) {
    return { event: 'echo', data: `Message text was: ${String(text)}, for item ID: ${params.itemId}` };
  }
}
