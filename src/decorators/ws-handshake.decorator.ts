import type { Type } from '@nestjs/common';
import { WS_HANDSHAKE_METADATA } from '../ws-errors.constants.js';

/**
 * The DTO classes a gateway's handshake is validated against; any subset.
 * @publicApi
 */
export interface WsHandshakeSpec {
  /** Path parameters of the gateway's `path` pattern (`/items/:itemId/ws`). */
  params?: Type<object>;
  query?: Type<object>;
  /** Header names are lower-case. */
  headers?: Type<object>;
  cookies?: Type<object>;
}

/** @internal What is stored: the spec and where the gateway is declared. */
export interface WsHandshakeMetadata extends WsHandshakeSpec {
  file?: string;
  line?: number;
}

/**
 * Validates the handshake of every client of this gateway before the gateway sees it.
 * A failure is a `WebSocketRequestValidationError`, handled by the gateway's filters.
 * @publicApi
 */
export function WsHandshake(spec: WsHandshakeSpec): ClassDecorator {
  const declaredAt = callerLocation();
  return target => {
    Reflect.defineMetadata(WS_HANDSHAKE_METADATA, { ...spec, ...declaredAt }, target);
  };
}

/** The file and line of the decorated class, read once from the stack at declaration. */
function callerLocation(): { file?: string; line?: number } {
  const frame = new Error().stack?.split('\n')[3];
  const match = frame && /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?\s*$/.exec(frame);
  return match ? { file: match[1], line: Number(match[2]) } : {};
}
