import { UseFilters, UsePipes, type INestApplication } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import {
  HandshakeQuery,
  WebSocketExceptionFilter,
  WsHandshake,
  WsValidationPipe,
  type WsValidationErrorItem,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';

class Item {
  @IsString() name!: string;
  @IsInt() @Min(1) quantity!: number;
}
class Order {
  @IsString() customer!: string;
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}
class Query {
  @IsInt() q!: number;
}

function describeOrder(order: Order) {
  return {
    isOrder: order instanceof Order,
    isItem: order.items.every(item => item instanceof Item),
    count: order.items.length,
  };
}

@WebSocketGateway({ path: '/param-pipe' })
@UseFilters(WebSocketExceptionFilter)
class ParamPipeGateway {
  @SubscribeMessage('order')
  order(@MessageBody(new WsValidationPipe()) order: Order) {
    return { event: 'order', data: describeOrder(order) };
  }
}

@WebSocketGateway({ path: '/class-pipe' })
@WsHandshake({ query: Query })
@UsePipes(new WsValidationPipe())
@UseFilters(WebSocketExceptionFilter)
class ClassPipeGateway {
  @SubscribeMessage('order')
  order(@ConnectedSocket() client: WebSocket, @HandshakeQuery() query: Query, @MessageBody() order: Order) {
    return { event: 'order', data: { ...describeOrder(order), q: query.q, hasSocket: typeof client.send === 'function' } };
  }

  @SubscribeMessage('text')
  text(@MessageBody() text: string) {
    return { event: 'text', data: text };
  }
}

const validOrder = { customer: 'ada', items: [{ name: 'tea', quantity: 2 }] };

/** `errors` is what the reason carries: every field when it fits in 123 bytes, else `type` and `loc` first. */
const failures: { name: string; body: unknown; errors: Partial<WsValidationErrorItem>[] }[] = [
  {
    name: 'a nested missing name',
    body: { customer: 'ada', items: [{ quantity: 1 }] },
    errors: [{ type: 'missing', loc: ['body', 'items', 0, 'name'], msg: 'Field required' }],
  },
  {
    name: 'a missing top-level field and a bad nested value',
    body: { items: [{ name: 'tea', quantity: 1 }, { name: 'cake', quantity: 0 }] },
    errors: [
      { type: 'missing', loc: ['body', 'customer'] },
      { type: 'min', loc: ['body', 'items', 1, 'quantity'] },
    ],
  },
  {
    name: 'a string where the DTO is expected',
    body: 'hello',
    errors: [{ type: 'isObject', loc: ['body'], msg: 'body must be an object', input: 'hello' }],
  },
];

describe('WsValidationPipe on message bodies, with WebSocketExceptionFilter', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ providers: [ParamPipeGateway, ClassPipeGateway] });
  });
  afterAll(() => app.close());

  describe.each([
    { style: '@MessageBody(new WsValidationPipe())', path: '/param-pipe' },
    { style: '@UsePipes(new WsValidationPipe())', path: '/class-pipe?q=5' },
  ])('with $style', ({ path }) => {
    it('hands the handler a DTO instance with nested instances', async () => {
      const ws = connectWs(app, path);
      await ws.opened;
      ws.send('order', validOrder);
      expect(await ws.receive()).toMatchObject({ event: 'order', data: { isOrder: true, isItem: true, count: 1 } });
      expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
    });

    it.each(failures)('closes $name with 1008 and the JSON errors', async ({ body, errors }) => {
      const ws = connectWs(app, path);
      await ws.opened;
      ws.send('order', body);
      const outcome = await ws.outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
      const { reason } = outcome as { reason: string };
      expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
      expect(JSON.parse(reason)).toEqual(errors);
    });
  });

  it('leaves the socket, handshake DTOs and primitive bodies alone under @UsePipes', async () => {
    const ws = connectWs(app, '/class-pipe', { query: { q: '5' } });
    await ws.opened;
    ws.send('order', validOrder);
    expect(await ws.receive()).toEqual({ event: 'order', data: { isOrder: true, isItem: true, count: 1, q: 5, hasSocket: true } });
    ws.send('text', 'plain words');
    expect(await ws.receive()).toEqual({ event: 'text', data: 'plain words' });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
  });
});
