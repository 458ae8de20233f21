import type { WsHandshakeSpec } from '../handshake/handshake-definition.js';
import { WS_HANDSHAKE_METADATA } from '../ws-errors.constants.js';

export type { WsHandshakeSpec } from '../handshake/handshake-definition.js';

/** @internal What is stored: the spec and where the gateway is declared. */
export interface WsHandshakeMetadata extends WsHandshakeSpec {
  file?: string;
  line?: number;
}

/**
 * Opts the gateway in to a checked handshake: its class-level `@UseGuards` run before the
 * socket is accepted (and for every message), the DTOs given here are validated, and a
 * client is admitted (in `server.clients`, sent what the app sends it) only once guards,
 * DTOs and `handleConnection` have succeeded. `@WsHandshake()` opts in with no DTOs.
 * A failure goes to the gateway's filters before the gateway sees the client.
 * @publicApi
 */
export function WsHandshake(spec: WsHandshakeSpec = {}): ClassDecorator {
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
