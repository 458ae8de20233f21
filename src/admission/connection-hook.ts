import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { getClientSession, type ClientSession } from '../adapter/client-session.js';
import { replaceGatewayHook } from '../nest/gateway-hooks.js';
import { isThenable } from '../utils/is-thenable.util.js';
import type { MaybePromise } from '../utils/maybe-async.util.js';
import { GONE, settleWithin, TIMED_OUT } from '../adapter/settle-within.js';

/** How a client's `handleConnection` ended: the client is admitted on `admitted` only. */
export type ConnectionVerdict =
  | { kind: 'admitted' }
  | { kind: 'failed'; descriptor: GatewayDescriptor; error: unknown }
  | { kind: 'timed-out' }
  | { kind: 'gone' };

const ADMITTED: ConnectionVerdict = { kind: 'admitted' };
const TIMED_OUT_VERDICT: ConnectionVerdict = { kind: 'timed-out' };
const GONE_VERDICT: ConnectionVerdict = { kind: 'gone' };

/**
 * Wraps the gateway's lifecycle hooks on its instance: what `handleConnection` returns (or
 * throws) goes to the client's session, where admission reads it, instead of to Nest, which
 * would let a throw end the process; `handleDisconnect` runs only for a client that was not
 * refused, and its errors go to `onDisconnectError`. Clients the adapter did not accept (a
 * `server` option) see the original hooks.
 */
export function wrapGatewayHooks(descriptor: GatewayDescriptor, onDisconnectError: (error: unknown, args: unknown[]) => void): void {
  replaceGatewayHook(descriptor.instance, 'handleConnection', connect =>
    function (this: unknown, client: unknown, ...rest: unknown[]) {
      const session = getClientSession(client);
      if (!session) return connect.call(this, client, ...rest);
      try {
        session.outcomes.push({ descriptor, result: connect.call(this, client, ...rest), failed: false });
      } catch (error) {
        session.outcomes.push({ descriptor, result: error, failed: true });
      }
      return undefined;
    },
  );
  replaceGatewayHook(descriptor.instance, 'handleDisconnect', disconnect =>
    function (this: unknown, client: unknown, ...rest: unknown[]) {
      const session = getClientSession(client);
      if (!session) return disconnect.call(this, client, ...rest);
      // A refused client was never the gateway's: it hears of neither end.
      if (session.refused) return undefined;
      const args = [client, ...rest];
      try {
        const result = disconnect.call(this, client, ...rest);
        if (isThenable(result)) result.then(undefined, error => onDisconnectError(error, args));
      } catch (error) {
        onDisconnectError(error, args);
      }
      return undefined;
    },
  );
}

/**
 * What Nest's run of the gateways' `handleConnection` for this client came to: now when
 * every hook returned synchronously, else once the async ones settle, within `timeout`.
 */
export function connectionVerdict(session: ClientSession, timeout: number): MaybePromise<ConnectionVerdict> {
  const outcomes = session.outcomes.splice(0);
  const failed = outcomes.find(outcome => outcome.failed);
  if (failed) return { kind: 'failed', descriptor: failed.descriptor, error: failed.result };
  const waiting = outcomes.filter(outcome => isThenable(outcome.result));
  if (waiting.length === 0) return ADMITTED;
  const settled = waiting.map(({ descriptor, result }) =>
    Promise.resolve(result).then(
      (): ConnectionVerdict => ADMITTED,
      (error): ConnectionVerdict => ({ kind: 'failed', descriptor, error }),
    ),
  );
  return settleWithin(Promise.all(settled), timeout, session.client).then(results => {
    if (results === GONE) return GONE_VERDICT;
    if (results === TIMED_OUT) return TIMED_OUT_VERDICT;
    return results.find(result => result.kind !== 'admitted') ?? ADMITTED;
  });
}
