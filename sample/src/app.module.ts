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
    }),
  ],
  controllers: [PageController],
  providers: [ItemsGateway, QueryGateway, StrictGateway],
})
export class AppModule {}
