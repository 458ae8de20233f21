/**
 * Every reason text the library puts in a close frame or an HTTP body, in one place.
 * @internal
 */
export const INTERNAL_ERROR_REASON = 'Internal Server Error';
export const FORBIDDEN_REASON = 'Forbidden';
export const TRY_AGAIN_LATER_REASON = 'Try Again Later';
export const MESSAGE_TOO_BIG_REASON = 'Message Too Big';
export const NOT_FOUND_REASON = 'Not Found';
export const BAD_REQUEST_REASON = 'Bad Request';
export const ORIGIN_NOT_ALLOWED_REASON = 'Origin not allowed';
export const INVALID_MESSAGE_REASON = 'Invalid message payload';
export const UNKNOWN_EVENT_REASON = 'Unknown event';
export const UNSUPPORTED_BINARY_REASON = 'Binary messages are not supported';
export const TOO_MANY_PENDING_MESSAGES_REASON = 'Too many messages before admission';
export const MISSING_FIELD_MESSAGE = 'Field required';

export const HTTP_EXCEPTION_WARNING = (name: string) =>
  `${name} thrown in a WebSocket gateway closes the socket with 1011; ` +
  'throw WebSocketException(code, reason) to choose the close code.';


/** The item `WsValidationPipe` reports for a body that is not an object where a DTO is declared. */
export const BODY_NOT_OBJECT_MESSAGE = (loc: readonly (string | number)[]) => `${loc.join('.')} must be an object`;

/** Nest's own text for a guard that refuses a message (`FORBIDDEN_MESSAGE` in @nestjs/core/guards/constants.ts, not public). */
export const NEST_FORBIDDEN_MESSAGE = 'Forbidden resource';

/** Logged when the AsyncAPI document cannot be built for an HTTP request (which gets a 500). */
export const ASYNCAPI_BUILD_FAILED_MESSAGE = 'Could not build the AsyncAPI document';
