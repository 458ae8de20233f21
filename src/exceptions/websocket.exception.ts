import { WsException } from '@nestjs/websockets';
import { assertSendableCloseCode } from '../close-frame/close-code.validation.js';

/**
 * Closes the client's WebSocket with `code` and `reason`, like FastAPI's
 * `WebSocketException(code, reason)`. Thrown before the socket is admitted
 * (a guard, a handshake pipe, `handleConnection`) the client still sees the
 * code: the upgrade is completed and closed at once.
 *
 * @throws RangeError when `code` may not be sent in a close frame (RFC 6455 §7.4).
 * @publicApi
 */
export class WebSocketException extends WsException {
  readonly code: number;
  readonly reason: string;

  constructor(code: number, reason?: string) {
    assertSendableCloseCode(code);
    super(reason ?? '');
    this.code = code;
    this.reason = reason ?? '';
    this.name = 'WebSocketException';
  }
}
