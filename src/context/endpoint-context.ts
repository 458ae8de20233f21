import type { ArgumentsHost } from '@nestjs/common';
import { messagePatternOf } from '../nest/message-pattern.js';
import { kEndpointContext } from '../ws-errors.constants.js';
import { getClientState } from './client-state.js';
import type { EndpointContext } from './endpoint-context.interface.js';

type WithContext = { [kEndpointContext]?: EndpointContext };

/**
 * The endpoint that failed, for any error that reaches a filter from a gateway that
 * `ValidatingWsAdapter` serves; `undefined` elsewhere. In the message phase it is found
 * from the client (which gateway accepted it) and the event pattern, never guessed.
 * @publicApi
 */
export function getEndpointContext(host: ArgumentsHost): EndpointContext | undefined {
  const attached = (host as WithContext)[kEndpointContext];
  if (attached) return attached;
  if (host.getType() !== 'ws') return undefined;
  const args = host.getArgs();
  const state = getClientState(args[0]);
  if (!state) return undefined;
  const pattern = messagePatternOf(args);
  const gateway = (pattern !== undefined && state.gateways.find(g => g.handlers.has(pattern))) || state.gateways[0];
  return gateway?.endpoint('message', pattern);
}

/** Names the endpoint on a host the library builds itself (a symbol key: invisible to keys and JSON). */
export function attachEndpointContext<T extends object>(host: T, context: EndpointContext): T {
  (host as WithContext)[kEndpointContext] = context;
  return host;
}
