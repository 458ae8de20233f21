export * from './ws-status.js';
export * from './close-code.validation.js';
export * from './close-reason.encoder.js';
export * from './close-websocket.js';
export * from './close-code-advice.js';
