import { Catch, HttpException, IntrinsicException, Logger, type ArgumentsHost, type WsExceptionFilter } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { closeWebSocket, type ClosableWebSocket } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { getClientState } from '../context/client-state.js';
import type { EndpointContext } from '../context/endpoint-context.interface.js';
import { getEndpointContext } from '../context/endpoint-context.js';
import { HTTP_EXCEPTION_WARNING, INTERNAL_ERROR_REASON } from '../exceptions/messages.constant.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import { errorDetail, isInstance } from '../utils/error-detail.util.js';
import { WebSocketException } from '../exceptions/websocket.exception.js';

/** The close frame an exception becomes. */
export interface CloseFrame {
  code: number;
  /** A string, or a value `encodeCloseReason` turns into JSON (validation errors). */
  reason: unknown;
}

/**
 * The default handler: every exception becomes a close frame.
 *
 * | thrown | code | reason |
 * |---|---|---|
 * | `WebSocketException(code, reason)` | `code` | `reason` |
 * | `WebSocketRequestValidationError` | 1008 | JSON of `errors()` |
 * | `WsException` | 1008 | its message |
 * | `HttpException` | 1011 | `Internal Server Error` (and a warning) |
 * | anything else | 1011 | `Internal Server Error` (logged with the endpoint) |
 *
 * Extend it and override `toCloseFrame` (or one of its `protected` steps) to change a row.
 * @publicApi
 */
@Catch()
export class WebSocketExceptionFilter implements WsExceptionFilter {
  protected static readonly logger = new Logger('WebSocketExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const client = host.switchToWs().getClient<ClosableWebSocket>();
    const { code, reason } = this.toCloseFrame(exception, host);
    closeWebSocket(client, code, reason, getClientState(client)?.settings.reason);
  }

  protected toCloseFrame(exception: unknown, host: ArgumentsHost): CloseFrame {
    if (isInstance(exception, WebSocketException)) {
      return { code: exception.code, reason: exception.reason };
    }
    if (isInstance(exception, WebSocketRequestValidationError)) {
      return { code: WsStatus.WS_1008_POLICY_VIOLATION, reason: exception.errors() };
    }
    if (isInstance(exception, WsException)) {
      return { code: WsStatus.WS_1008_POLICY_VIOLATION, reason: exception.message };
    }
    if (isInstance(exception, HttpException)) {
      this.warnHttpException(exception, host);
      return { code: WsStatus.WS_1011_INTERNAL_ERROR, reason: INTERNAL_ERROR_REASON };
    }
    this.logUnknownError(exception, host);
    return { code: WsStatus.WS_1011_INTERNAL_ERROR, reason: INTERNAL_ERROR_REASON };
  }

  protected warnHttpException(exception: HttpException, host: ArgumentsHost): void {
    if (!this.shouldLog(host)) return;
    WebSocketExceptionFilter.logger.warn(`${describe(getEndpointContext(host))}: ${HTTP_EXCEPTION_WARNING(exception.constructor.name)}`);
  }

  protected logUnknownError(exception: unknown, host: ArgumentsHost): void {
    if (isInstance(exception, IntrinsicException) || !this.shouldLog(host)) return;
    WebSocketExceptionFilter.logger.error(`Unhandled error in ${describe(getEndpointContext(host))}`, errorDetail(exception));
  }

  private shouldLog(host: ArgumentsHost): boolean {
    return getClientState(host.getArgByIndex(0))?.settings.logErrors ?? true;
  }
}

function describe(context: EndpointContext | undefined): string {
  if (!context) return 'a WebSocket gateway';
  const event = context.event === undefined ? '' : ` "${context.event}"`;
  return `${context.function} (${context.path}, ${context.phase}${event})`;
}
