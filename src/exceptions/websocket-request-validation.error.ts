import { WsException } from '@nestjs/websockets';
import type { EndpointContext } from '../context/endpoint-context.interface.js';
import type { WsValidationErrorItem } from '../interfaces/ws-validation-error-item.interface.js';

/**
 * A handshake (path, query, header, cookie) or message body failed validation.
 * The default filter closes with 1008 and the JSON of {@link errors} as the reason.
 * @publicApi
 */
export class WebSocketRequestValidationError extends WsException {
  readonly endpointCtx?: EndpointContext;
  readonly #errors: readonly WsValidationErrorItem[];

  constructor(errors: readonly WsValidationErrorItem[], endpointCtx?: EndpointContext) {
    const count = errors.length;
    super({ message: `${count} validation error${count === 1 ? '' : 's'}`, errors });
    this.#errors = errors;
    this.endpointCtx = endpointCtx;
    this.name = 'WebSocketRequestValidationError';
  }

  /** The failures, FastAPI style: `{ type, loc, msg, input?, ctx? }`. A copy: callers may change it. */
  errors(): WsValidationErrorItem[] {
    return this.#errors.map(item => ({ ...item, loc: [...item.loc] }));
  }

  /** The same error with the endpoint that failed named. */
  withEndpoint(endpointCtx: EndpointContext): WebSocketRequestValidationError {
    return new WebSocketRequestValidationError(this.#errors, endpointCtx);
  }

  /**
   * `2 validation errors:\n  {…}\n  {…}\n  ItemsGateway.handleConnection\n    WS /items/:itemId/ws`
   * (FastAPI's `str(exc)`).
   */
  override toString(): string {
    const lines = [`${this.message}:`, ...this.#errors.map(item => `  ${safeJson(item)}`)];
    if (this.endpointCtx) {
      lines.push(`  ${this.endpointCtx.function}`, `    ${this.endpointCtx.path}`);
    }
    return lines.join('\n');
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
