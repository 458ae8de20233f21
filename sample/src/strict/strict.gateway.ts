import { UseFilters } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { HandshakeQuery, WsHandshake, WsSends } from 'nestjs-ws-errors';
import { QueryDto } from '../query/query.dto.js';
import { UnsupportedDataFilter } from './unsupported-data.filter.js';

/**
 * The same query DTO as `/ws`, but a custom filter closes validation errors with 1003.
 * Every other error falls through to the module's `WebSocketExceptionFilter`
 * (`WsErrorsModule.forRoot({ filters })` in app.module.ts).
 */
@WebSocketGateway({ path: '/strict' })
@WsHandshake({ query: QueryDto })
@UseFilters(UnsupportedDataFilter)
export class StrictGateway {
  @SubscribeMessage('echo')
  @WsSends({ event: 'echo', payload: String })
  echo(@HandshakeQuery('q') q: number, @MessageBody() text: unknown) {
    return { event: 'echo', data: `Message text was: ${String(text)}, q is: ${q}` };
  }

  /** An unexpected error: the client sees 1011 `Internal Server Error`, never this message. */
  @SubscribeMessage('boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }
}
