import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { WebSocketRequestValidationError, WsCloseCodes, WsStatus, closeWebSocket, getEndpointContext } from 'nestjs-ws-errors';
import type { WebSocket } from 'ws';

/**
 * A custom handler for one exception type, FastAPI's
 * `@app.exception_handler(WebSocketRequestValidationError)`: closes with 1003 instead of 1008,
 * and logs which endpoint failed.
 */
@Catch(WebSocketRequestValidationError)
@WsCloseCodes({
  code: WsStatus.WS_1003_UNSUPPORTED_DATA,
  reason: '<JSON of the validation errors>',
  when: 'the handshake or a message fails its DTO',
  replaces: ['validation'],
})
export class UnsupportedDataFilter implements ExceptionFilter {
  private readonly logger = new Logger(UnsupportedDataFilter.name);

  catch(exception: WebSocketRequestValidationError, host: ArgumentsHost): void {
    const endpoint = getEndpointContext(host);
    this.logger.warn(
      `${exception.errors().length} validation error(s) in ${endpoint?.function} (${endpoint?.path}, ${endpoint?.phase})`,
    );
    closeWebSocket(host.switchToWs().getClient<WebSocket>(), WsStatus.WS_1003_UNSUPPORTED_DATA, exception.errors());
  }
}
