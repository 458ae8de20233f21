// The bench's Nest 12 app, in two builds: `stock` (WsAdapter, static paths, no validation)
// and `ours` (ValidatingWsAdapter, `/items/:itemId/ws` with handshake DTOs on all four
// sources). Both have `/plain/ws`, a gateway with no DTO, and the same echo handler.
import 'reflect-metadata';
import { Module, UseFilters, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import { IsInt, IsString, Matches } from 'class-validator';
import { ValidatingWsAdapter, WebSocketExceptionFilter, WsErrorsModule, WsHandshake, type ValidatingWsAdapterOptions } from 'nestjs-ws-errors';

export const counters = { opened: 0, closed: 0, messages: 0 };

export class ItemParams {
  @Matches(/^[a-z0-9-]+$/) itemId!: string;
}
export class ItemQuery {
  @IsInt() q!: number;
}
export class ItemHeaders {
  @IsString() 'x-token'!: string;
}
export class SessionCookies {
  @IsString() session!: string;
}

/** What every bench gateway does: count connections, echo `{ event: 'echo', data }`. */
abstract class EchoGateway implements OnGatewayConnection, OnGatewayDisconnect {
  handleConnection(): void {
    counters.opened++;
  }
  handleDisconnect(): void {
    counters.closed++;
  }
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    counters.messages++;
    return { event: 'echo', data };
  }
}

@WebSocketGateway({ path: '/items/:itemId/ws' })
@WsHandshake({ params: ItemParams, query: ItemQuery, headers: ItemHeaders, cookies: SessionCookies })
@UseFilters(WebSocketExceptionFilter)
class OursItemsGateway extends EchoGateway {}

@WebSocketGateway({ path: '/plain/ws' })
@UseFilters(WebSocketExceptionFilter)
class OursPlainGateway extends EchoGateway {}

/** The stock adapter matches paths exactly: no parameters, so a static path. */
@WebSocketGateway({ path: '/items/ws' })
class StockItemsGateway extends EchoGateway {}

@WebSocketGateway({ path: '/plain/ws' })
class StockPlainGateway extends EchoGateway {}

// WsErrorsModule as the docs set it up (without it, the adapter's settings lookup
// `app.get(WsErrorsRegistry)` ends a default `abortOnError` app: see BENCHMARKS.md).
@Module({ imports: [WsErrorsModule.forRoot()], providers: [OursItemsGateway, OursPlainGateway] })
class OursModule {}

@Module({ providers: [StockItemsGateway, StockPlainGateway] })
class StockModule {}

export type Mode = 'ours' | 'stock';

/** `adapterOptions` apply to `ours` only (the heartbeat scenario turns the heartbeat on and off). */
export async function startNestApp(mode: Mode, adapterOptions?: ValidatingWsAdapterOptions): Promise<{ app: INestApplication; port: number }> {
  const module: Type = mode === 'ours' ? OursModule : StockModule;
  const app = await NestFactory.create(module, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(mode === 'ours' ? new ValidatingWsAdapter(app, adapterOptions) : new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, port: address.port };
}
