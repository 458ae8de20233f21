import { Catch, HttpException, IntrinsicException, Logger, type ArgumentsHost, type WsExceptionFilter } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { closeWebSocket, type ClosableWebSocket } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { getClientState } from '../context/client-state.js';
import type { EndpointContext } from '../context/endpoint-context.interface.js';
import { getEndpointContext } from '../context/endpoint-context.js';
import { INTERNAL_ERROR_REASON } from '../exceptions/messages.constant.js';
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
 * | `HttpException` with a 4xx status | `4000 + status` | its message (an array message as JSON) |
 * | `HttpException` with any other status | 1011 | `Internal Server Error` (logged with the endpoint) |
 * | anything else | 1011 | `Internal Server Error` (logged with the endpoint) |
 *
 * Extend it and override `toCloseFrame` (or one of its `protected` steps, such as
 * `httpExceptionToCloseFrame`) to change a row.
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
    if (isInstance(exception, HttpException)) return this.httpExceptionToCloseFrame(exception, host);
    this.logUnknownError(exception, host);
    return { code: WsStatus.WS_1011_INTERNAL_ERROR, reason: INTERNAL_ERROR_REASON };
  }

  /**
   * A client error keeps its meaning: a 4xx closes with `4000 + status` (the convention
   * graphql-ws and others use, and the inverse of `handshakeRejection: 'http'`), so
   * `UnauthorizedException()` gives 4401 `Unauthorized`. The reason is the message the
   * exception would answer over HTTP; an array message (Nest's `ValidationPipe`) becomes
   * its JSON, fitted to the reason's 123 bytes. Any other status is a server failure:
   * 1011 `Internal Server Error`, the message only in the log.
   *
   * To close every `HttpException` with 1011, as earlier releases did, override this step:
   * `protected override httpExceptionToCloseFrame() { return { code: 1011, reason: 'Internal Server Error' }; }`
   */
  protected httpExceptionToCloseFrame(exception: HttpException, host: ArgumentsHost): CloseFrame {
    const status = exception.getStatus();
    if (!Number.isInteger(status) || status < 400 || status > 499) {
      // Nest never logs an HttpException, whose message it sends; here the client never gets it.
      this.logServerError(exception, host);
      return { code: WsStatus.WS_1011_INTERNAL_ERROR, reason: INTERNAL_ERROR_REASON };
    }
    const response = exception.getResponse();
    const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : undefined;
    return { code: 4000 + status, reason: Array.isArray(message) ? message : exception.message };
  }

  protected logUnknownError(exception: unknown, host: ArgumentsHost): void {
    if (isInstance(exception, IntrinsicException)) return;
    this.logServerError(exception, host);
  }

  /** Logs an error the client hears of only as 1011, with its endpoint and stack. */
  protected logServerError(exception: unknown, host: ArgumentsHost): void {
    if (!this.shouldLog(host)) return;
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
