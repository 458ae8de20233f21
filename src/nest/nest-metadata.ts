/**
 * Metadata keys Nest writes with its decorators and reads when it binds gateways. They are
 * not public API: Nest 12 exposes them through its `internal` entry points, which is the one
 * place this library takes them from (contract: test/nest/nest-assumptions.contract.spec.ts).
 */
export {
  // packages/common/constants.ts: @UseGuards, @UseFilters, @UsePipes, @Catch
  GUARDS_METADATA,
  PIPES_METADATA,
  EXCEPTION_FILTERS_METADATA,
  FILTER_CATCH_EXCEPTIONS,
} from '@nestjs/common/internal';
export {
  // packages/websockets/constants.ts: @WebSocketGateway, @SubscribeMessage, @MessageBody
  GATEWAY_METADATA,
  GATEWAY_OPTIONS,
  PORT_METADATA,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
  PARAM_ARGS_METADATA,
} from '@nestjs/websockets/internal';

/**
 * `WsParamtype.PAYLOAD` (packages/websockets/enums/ws-paramtype.enum.ts): the `type` a pipe
 * sees for `@MessageBody()`. The enum is not exported from `@nestjs/websockets`' root.
 */
export const WS_PAYLOAD_PARAM_TYPE = 3;
