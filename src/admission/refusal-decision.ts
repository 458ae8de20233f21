import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { DEFAULT_FILTER, type GatewayRuntimes } from '../adapter/gateway-runtimes.js';
import type { MaybePromise } from '../utils/maybe-async.util.js';
import type { HandshakeAttempt } from './handshake-attempt.js';
import type { RejectionDecision } from './pending-client.js';

/**
 * The gateway's filters decide what a client refused before accept hears, on its pending
 * stand-in; an async filter is waited for. A filter that handled the error without closing
 * the client leaves the decision to the default filter: a refused client always gets an ending.
 */
export function decideRefusal(runtimes: GatewayRuntimes, descriptor: GatewayDescriptor, error: unknown, attempt: HandshakeAttempt): MaybePromise<RejectionDecision> {
  const { pending, request } = attempt;
  pending.beginRefusal();
  const args = [pending, request];
  const conclude = (): RejectionDecision => {
    if (!pending.decision) DEFAULT_FILTER.filter.catch(error, runtimes.host(descriptor, 'handshake', args));
    return pending.decision!;
  };
  const handled = runtimes.handleError(descriptor, 'handshake', error, args);
  return handled ? handled.then(conclude) : conclude();
}
