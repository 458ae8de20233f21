/**
 * WebSocket close codes (RFC 6455 §7.4.1 and the IANA registry) under the names
 * FastAPI/Starlette give them, so code ported from FastAPI reads the same.
 *
 * 1004 is reserved and has no name there. 1005, 1006 and 1015 are listed because a
 * peer may *report* them, but they must never be sent: see {@link isSendableCloseCode}.
 *
 * @publicApi
 */
export const WsStatus = {
  WS_1000_NORMAL_CLOSURE: 1000,
  WS_1001_GOING_AWAY: 1001,
  WS_1002_PROTOCOL_ERROR: 1002,
  WS_1003_UNSUPPORTED_DATA: 1003,
  WS_1005_NO_STATUS_RCVD: 1005,
  WS_1006_ABNORMAL_CLOSURE: 1006,
  WS_1007_INVALID_FRAME_PAYLOAD_DATA: 1007,
  WS_1008_POLICY_VIOLATION: 1008,
  WS_1009_MESSAGE_TOO_BIG: 1009,
  WS_1010_MANDATORY_EXT: 1010,
  WS_1011_INTERNAL_ERROR: 1011,
  WS_1012_SERVICE_RESTART: 1012,
  WS_1013_TRY_AGAIN_LATER: 1013,
  WS_1014_BAD_GATEWAY: 1014,
  WS_1015_TLS_HANDSHAKE: 1015,
} as const;

/**
 * One of the named codes in {@link WsStatus}.
 * @publicApi
 */
export type WsStatusCode = (typeof WsStatus)[keyof typeof WsStatus];
