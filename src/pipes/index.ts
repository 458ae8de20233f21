export { WsValidationPipe, type WsValidationPipeOptions } from './ws-validation.pipe.js';
