// The functions whose inclusive CPU time (self + callees) the profile report gives
// (`npm run bench -- --profile`), each with the file that defines it: a function of src/ is
// profiled in dist/ under the same name. test/bench/profile-targets.spec.ts fails when a file
// no longer defines its function, so a rename cannot leave a target that silently reports 0 %.
// V8 names a private method `#name`, a class by its name, and an arrow by the const it is assigned to.
// `or`: the same function's name in other supported versions of its package (one of the two must be defined).
export const PROFILE_TARGETS = [
  // an upgrade, in order
  { fn: '#onUpgrade', file: 'src/adapter/validating-ws.adapter.ts' },
  { fn: '#route', file: 'src/adapter/validating-ws.adapter.ts' },
  { fn: 'admit', file: 'src/admission/handshake.pipeline.ts' },
  { fn: 'startAttempt', file: 'src/admission/handshake-attempt.ts' },
  { fn: 'parseHandshake', file: 'src/handshake/handshake.parser.ts' },
  { fn: '#check', file: 'src/admission/handshake.pipeline.ts' },
  { fn: 'runGuards', file: 'src/admission/handshake-guards.ts' },
  { fn: 'validateHandshakeDtos', file: 'src/admission/handshake-dtos.ts' },
  { fn: 'validateDto', file: 'src/validation/dto.validator.ts' },
  { fn: 'handshakeSentValues', file: 'src/handshake/value.coercion.ts' },
  { fn: 'plainToInstance', file: 'node_modules/class-transformer/cjs/index.js' },
  { fn: 'validate', file: 'node_modules/class-validator/cjs/index.js' },
  { fn: 'toErrorItems', file: 'src/validation/validation-error.mapper.ts' },
  { fn: 'settleWithin', file: 'src/adapter/settle-within.ts' },
  { fn: '#conclude', file: 'src/admission/handshake.pipeline.ts' },
  // a refusal
  { fn: '#decide', file: 'src/admission/handshake.pipeline.ts' },
  { fn: 'decideRefusal', file: 'src/admission/refusal-decision.ts' },
  { fn: 'handleError', file: 'src/adapter/gateway-runtimes.ts' },
  { fn: 'host', file: 'src/adapter/gateway-runtimes.ts' },
  { fn: 'runFilterSafely', file: 'src/filters/filter-chain.ts' },
  { fn: 'refuse', file: 'src/admission/upgrade-refusal.ts' },
  { fn: 'closeWebSocket', file: 'src/close-frame/close-websocket.ts' },
  // an admission
  { fn: 'handleUpgrade', file: 'node_modules/ws/lib/websocket-server.js' },
  { fn: 'completeUpgrade', file: 'node_modules/ws/lib/websocket-server.js' },
  { fn: '#accept', file: 'src/admission/handshake.pipeline.ts' },
  { fn: 'connectionVerdict', file: 'src/admission/connection-hook.ts' },
  { fn: '#concludeConnection', file: 'src/admission/handshake.pipeline.ts' },
  { fn: 'ClientSession', file: 'src/adapter/client-session.ts' },
  { fn: 'setClientState', file: 'src/context/client-state.ts' },
  // a message and its reply (`send` is also the dispatcher's own arrow of that name)
  { fn: '#dispatch', file: 'src/adapter/client-session.ts' },
  // platform-ws 12.1 names its parser `defaultMessageParser`; 12.0.x has an arrow in the `messageParser` field.
  { fn: 'defaultMessageParser', or: 'messageParser', file: 'node_modules/@nestjs/platform-ws/adapters/ws-adapter.js' },
  { fn: 'reply', file: 'src/adapter/message.dispatcher.ts' },
  { fn: 'send', file: 'node_modules/ws/lib/websocket.js' },
  { fn: 'emitClose', file: 'node_modules/ws/lib/websocket.js' },
];
