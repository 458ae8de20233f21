import type { WebSocket } from 'ws';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { kWrapped } from '../ws-errors.constants.js';
import { getClientSession } from './client-session.js';
import { isThenable } from '../utils/is-thenable.util.js';

type Hook = ((this: unknown, client: WebSocket, ...rest: unknown[]) => unknown) & { [kWrapped]?: true };

/**
 * Nest calls `handleConnection`/`handleDisconnect` from an rxjs subscriber, where a throw is
 * reported as unhandled and ends the process. The gateway instance gets wrappers, in place,
 * before Nest binds them: `handleConnection`'s result (or throw) goes to the client's
 * session, which admits or fails the client; `handleDisconnect`'s errors go to `onError`.
 * Clients the adapter did not accept (a `server` option) see the original hooks.
 */
export function wrapLifecycleHooks(
  descriptor: GatewayDescriptor,
  onDisconnectError: (error: unknown, args: unknown[]) => void,
): void {
  const instance = descriptor.instance;
  const connect = instance.handleConnection as Hook | undefined;
  if (typeof connect === 'function' && !connect[kWrapped]) {
    instance.handleConnection = markWrapped(function (this: unknown, client: WebSocket, ...rest: unknown[]) {
      const session = getClientSession(client);
      if (!session) return connect.call(this, client, ...rest);
      try {
        session.outcomes.push({ descriptor, result: connect.call(this, client, ...rest), failed: false });
      } catch (error) {
        session.outcomes.push({ descriptor, result: error, failed: true });
      }
      return undefined;
    });
  }
  const disconnect = instance.handleDisconnect as Hook | undefined;
  if (typeof disconnect === 'function' && !disconnect[kWrapped]) {
    instance.handleDisconnect = markWrapped(function (this: unknown, client: WebSocket, ...rest: unknown[]) {
      if (!getClientSession(client)) return disconnect.call(this, client, ...rest);
      const args = [client, ...rest];
      try {
        const result = disconnect.call(this, client, ...rest);
        if (isThenable(result)) result.then(undefined, error => onDisconnectError(error, args));
      } catch (error) {
        onDisconnectError(error, args);
      }
      return undefined;
    });
  }
}

function markWrapped(hook: Hook): Hook {
  Object.defineProperty(hook, kWrapped, { value: true });
  return hook;
}
