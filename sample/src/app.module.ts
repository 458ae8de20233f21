import { Module } from '@nestjs/common';
import { WebSocketExceptionFilter, WsErrorsModule } from 'nestjs-ws-errors';
import { ItemsGateway } from './items/items.gateway.js';
import { PageController } from './page/page.controller.js';
import { QueryGateway } from './query/query.gateway.js';
import { StrictGateway } from './strict/strict.gateway.js';

@Module({
  imports: [
    WsErrorsModule.forRoot({
      // Applies to every gateway, for handshake and message errors, after its own @UseFilters.
      filters: [WebSocketExceptionFilter],
      // Unknown errors are logged with the endpoint that failed (the default, shown here).
      logErrors: true,
      // The gateways as an AsyncAPI 3.0 document: GET /asyncapi.json (the page below renders it).
      asyncapi: { path: '/asyncapi.json', info: { title: 'nestjs-ws-errors sample', version: '1.0.0' } },
    }),
  ],
  controllers: [PageController],
  providers: [ItemsGateway, QueryGateway, StrictGateway],
})
export class AppModule {}
