/**
 * Every reason text the library puts in a close frame or an HTTP body, in one place.
 * @internal
 */
export const INTERNAL_ERROR_REASON = 'Internal Server Error';
/** Nest's own text for a guard that returns false (`FORBIDDEN_MESSAGE` in @nestjs/core's guards). */
export const FORBIDDEN_REASON = 'Forbidden resource';
export const TRY_AGAIN_LATER_REASON = 'Try Again Later';
export const MESSAGE_TOO_BIG_REASON = 'Message Too Big';
export const NOT_FOUND_REASON = 'Not Found';
export const BAD_REQUEST_REASON = 'Bad Request';
export const ORIGIN_NOT_ALLOWED_REASON = 'Origin not allowed';
export const INVALID_MESSAGE_REASON = 'Invalid message payload';
export const UNKNOWN_EVENT_REASON = 'Unknown event';
export const UNSUPPORTED_BINARY_REASON = 'Binary messages are not supported';
export const TOO_MANY_PENDING_MESSAGES_REASON = 'Too many messages before admission';
export const GOING_AWAY_REASON = 'Going Away';
export const SERVICE_RESTART_REASON = 'Service Restart';
export const IDLE_TIMEOUT_REASON = 'Idle timeout';
export const BACKPRESSURE_REASON = 'Too much unsent data';
/** Never sent (the peer is dropped without a frame): what `getDisconnectInfo` reports for it. */
export const HEARTBEAT_TIMEOUT_REASON = 'No answer to ping';
export const MISSING_FIELD_MESSAGE = 'Field required';

/** Thrown at startup for a `trustProxy` hop count that is not a whole number ≥ 0. */
export const TRUST_PROXY_INVALID_HOPS = (value: number) => `trustProxy: a hop count must be an integer >= 0, got ${value}`;

/** The item `WsValidationPipe` reports for a body that is not an object where a DTO is declared. */
export const BODY_NOT_OBJECT_MESSAGE = (loc: readonly (string | number)[]) => `${loc.join('.')} must be an object`;

/** A guard or filter class that needs constructor arguments and that no module provides. */
export const ENHANCER_NEEDS_PROVIDER = (name: string) =>
  `${name} has constructor dependencies, but no module provides it: add it to a module's providers ` +
  '(or to WsErrorsModule.forRoot({ filters })) so that Nest can inject them.';

/** The error a held `client.send()` callback receives when its client is refused. */
export const NOT_ADMITTED_MESSAGE = 'The message was not sent: the client was refused before it was admitted';

/** A client the library did not serve, given to one of its accessors. */
export const NOT_SERVED_BY_ADAPTER = (accessor: string) => `${accessor}(client): this client was not served by ValidatingWsAdapter`;

/** `getHandshake(client, definition)` called before the DTOs ran (in a handshake guard). */
export const HANDSHAKE_NOT_VALIDATED =
  'getHandshake(client, definition): the handshake is not validated yet; a handshake guard reads the raw values with getHandshake(client)';

/** class-validator's own text for an undeclared property, for a prototype key it never saw. */
export const PROTOTYPE_KEY_MESSAGE = (key: string) => `property ${key} should not exist`;


/** Logged when the AsyncAPI document cannot be built for an HTTP request (which gets a 500). */
export const ASYNCAPI_BUILD_FAILED_MESSAGE = 'Could not build the AsyncAPI document';
