/** Injection token of the resolved {@link WsErrorsOptions}. */
export const WS_ERRORS_OPTIONS = 'WS_ERRORS:MODULE_OPTIONS';

/** Filters given beside `forRootAsync`'s factory. */
export const WS_ERRORS_ASYNC_FILTERS = 'WS_ERRORS:ASYNC_FILTERS';

/** Metadata key under which `@WsHandshake()` stores a gateway's handshake DTOs. */
export const WS_HANDSHAKE_METADATA = 'ws_errors:handshake';

/** Per-client state of a socket served by `ValidatingWsAdapter`. A symbol, so it never meets user keys. */
export const kClientState = Symbol('ws-errors:client-state');

/** The adapter's per-client session (message buffering and dispatch). */
export const kClientSession = Symbol('ws-errors:client-session');

/** The endpoint context attached to a host the library builds itself (handshake, connection, disconnect). */
export const kEndpointContext = Symbol('ws-errors:endpoint-context');

/** Why the server started to close a client, until its `close` event settles it (`markServerClose`). */
export const kCloseIntent = Symbol('ws-errors:close-intent');

/** How a client left, for `getDisconnectInfo(client)`. */
export const kDisconnectInfo = Symbol('ws-errors:disconnect-info');

/** Marks a function the library wrapped, so that it is wrapped once. */
export const kWrapped = Symbol('ws-errors:wrapped');

// `@nestjs/websockets/internal` is not public in Nest 12: our own event names.
export const CLOSE_EVENT = 'close';
export const ERROR_EVENT = 'error';
export const MESSAGE_EVENT = 'message';
export const CONNECTION_EVENT = 'connection';
export const PONG_EVENT = 'pong';

/** ws' readyState values, so no runtime import of `ws` is needed. */
export enum ReadyState {
  CONNECTING = 0,
  OPEN = 1,
  CLOSING = 2,
  CLOSED = 3,
}

/** Metadata key under which `@WsCloseCodes()` stores the close codes a gateway, handler or filter declares. */
export const WS_CLOSE_CODES_METADATA = 'ws_errors:close_codes';

/** Metadata key under which `@WsSends()` stores what a handler replies or a gateway sends on its own. */
export const WS_SENDS_METADATA = 'ws_errors:sends';
