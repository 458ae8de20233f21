import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WsStatus } from '../close-frame/ws-status.js';

/**
 * The HTTP status that stands for a close code when the upgrade is refused instead
 * of completed. 4000 + an HTTP status (4401, 4403, 4404, …) maps to that status, a
 * common convention for private close codes.
 */
export function httpStatusForCloseCode(code: number, validation: boolean): number {
  if (validation) return 400;
  if (code >= 4400 && code <= 4599 && STATUS_CODES[code - 4000]) return code - 4000;
  switch (code) {
    case WsStatus.WS_1002_PROTOCOL_ERROR:
    case WsStatus.WS_1003_UNSUPPORTED_DATA:
    case WsStatus.WS_1007_INVALID_FRAME_PAYLOAD_DATA:
    case WsStatus.WS_1010_MANDATORY_EXT:
      return 400;
    case WsStatus.WS_1009_MESSAGE_TOO_BIG:
      return 413;
    case WsStatus.WS_1011_INTERNAL_ERROR:
      return 500;
    case WsStatus.WS_1012_SERVICE_RESTART:
    case WsStatus.WS_1013_TRY_AGAIN_LATER:
      return 503;
    case WsStatus.WS_1014_BAD_GATEWAY:
      return 502;
    default:
      return 403;
  }
}

/**
 * Answers an upgrade request with an HTTP status and a JSON body, then drops the
 * connection once the answer is written (as ws' `abortHandshake` does).
 */
export function refuseUpgrade(socket: Duplex, status: number, body: object): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  const payload = JSON.stringify(body);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(payload)}\r\n` +
      '\r\n' +
      payload,
  );
}
