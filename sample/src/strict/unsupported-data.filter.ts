import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { WebSocketRequestValidationError, WsStatus, closeWebSocket, getEndpointContext } from 'nestjs-ws-errors';
import type { WebSocket } from 'ws';

/**
 * A custom handler for one exception type, FastAPI's
 * `@app.exception_handler(WebSocketRequestValidationError)`: closes with 1003 instead of 1008,
 * and logs which endpoint failed.
 */
@Catch(WebSocketRequestValidationError)
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
