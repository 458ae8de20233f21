import { kWrapped } from '../ws-errors.constants.js';

/** A gateway lifecycle hook as Nest calls it: the client first, then what the adapter passes. */
export type GatewayHook = ((this: unknown, client: unknown, ...rest: unknown[]) => unknown) & { [kWrapped]?: true };

/**
 * Replaces `handleConnection` or `handleDisconnect` on a gateway instance with `wrap(original)`,
 * once. Assumptions (packages/websockets/web-sockets-controller.ts, `connectGatewayToServer`
 * and `subscribeEvents`): Nest binds `instance.handleConnection`/`handleDisconnect` when it
 * connects the gateway to its server at init, which is after `useWebSocketAdapter()`; it calls
 * `handleConnection(client, request)` synchronously inside the server's `connection` event,
 * and discards what it returns (a rejection would be unhandled).
 */
export function replaceGatewayHook(
  instance: Record<string, unknown>,
  name: 'handleConnection' | 'handleDisconnect',
  wrap: (original: GatewayHook) => GatewayHook,
): void {
  const original = instance[name] as GatewayHook | undefined;
  if (typeof original !== 'function' || original[kWrapped]) return;
  const wrapped = wrap(original);
  Object.defineProperty(wrapped, kWrapped, { value: true });
  instance[name] = wrapped;
}
