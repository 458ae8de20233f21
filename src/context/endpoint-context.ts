import type { ArgumentsHost } from '@nestjs/common';
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
  const pattern = args.length > 2 ? args[args.length - 1] : undefined;
  const gateway =
    (typeof pattern === 'string' && state.gateways.find(g => g.handlers.has(pattern))) || state.gateways[0];
  return gateway?.endpoint('message', typeof pattern === 'string' ? pattern : undefined);
}

/** Names the endpoint on a host the library builds itself. */
export function attachEndpointContext<T extends object>(host: T, context: EndpointContext): T {
  Object.defineProperty(host, kEndpointContext, { value: context, enumerable: false });
  return host;
}
