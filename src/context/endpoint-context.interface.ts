/** The part of a gateway's life in which an error happened. */
export type EndpointPhase = 'handshake' | 'connection' | 'message' | 'disconnect';

/**
 * Names the endpoint that failed, like FastAPI's `endpoint_ctx`.
 * @publicApi
 */
export interface EndpointContext {
  /** The gateway class. */
  gateway: Function;
  /** The method that ran, or would have: `handleConnection` for the handshake. */
  handler: Function;
  /** `'ItemsGateway.handleConnection'`. */
  function: string;
  /** `'WS /items/:itemId/ws'`: the route pattern, not the concrete URL. */
  path: string;
  phase: EndpointPhase;
  /** The `@SubscribeMessage` pattern, in the message phase. */
  event?: string;
  /** Where the gateway is declared, when that can be found cheaply. */
  file?: string;
  line?: number;
}
