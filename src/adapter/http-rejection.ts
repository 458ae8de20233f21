import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CloseReasonOptions } from '../close-frame/close-reason.encoder.js';
import { WsStatus } from '../close-frame/ws-status.js';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';

/**
 * The HTTP status that stands for a close code when the upgrade is refused instead
 * of completed. 4000 + an HTTP status (4401, 4403, 4404, 4429, …) maps to that status, a
 * common convention for private close codes and what `WebSocketExceptionFilter` makes of
 * a 4xx `HttpException`; a status Node has no text for (4499) is still that status.
 */
export function httpStatusForCloseCode(code: number, validation: boolean): number {
  if (validation) return 400;
  if (code >= 4400 && code <= 4599) return code - 4000;
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

/** The largest JSON body of an HTTP refusal: a small request must not buy a large answer. */
export const MAX_REFUSAL_BODY_BYTES = 8 * 1024;

/**
 * `{ code, reason, errors? }`: the errors keep the fields `reason.fields` allows and as many
 * items as keep the body within {@link MAX_REFUSAL_BODY_BYTES}; `errorsOmitted` counts the rest.
 */
export function refusalBody(
  decision: { code: number; reason: string },
  errors: readonly WsValidationErrorItem[] | undefined,
  reasonOptions: CloseReasonOptions | undefined,
): Record<string, unknown> {
  const body: Record<string, unknown> = { code: decision.code, reason: decision.reason };
  if (!errors) return body;
  const fields = reasonOptions?.fields;
  const kept: Partial<WsValidationErrorItem>[] = [];
  // Room for `,"errors":[…]` and `,"errorsOmitted":N` beside what is already there.
  const budget = MAX_REFUSAL_BODY_BYTES - Buffer.byteLength(JSON.stringify(body)) - 48;
  let bytes = 0;
  for (const item of errors) {
    const shown = fields ? pick(item, fields) : item;
    const size = Buffer.byteLength(JSON.stringify(shown) ?? '') + 1;
    if (bytes + size > budget) break;
    kept.push(shown);
    bytes += size;
  }
  body.errors = kept;
  if (kept.length < errors.length) body.errorsOmitted = errors.length - kept.length;
  return body;
}

function pick(item: WsValidationErrorItem, fields: readonly string[]): Partial<WsValidationErrorItem> {
  const shown: Record<string, unknown> = {};
  for (const field of fields) if (field in item) shown[field] = item[field as keyof WsValidationErrorItem];
  return shown;
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
