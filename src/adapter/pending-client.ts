import { ReadyState } from '../ws-errors.constants.js';

/** What a filter decided for a client that was never admitted. */
export interface RejectionDecision {
  code: number;
  reason: string;
}

/**
 * The client a handshake guard or filter sees before the socket exists: `getUpgradeRequest(client)`
 * and `getHandshake(client)` work on it as on the socket, and it records what a filter
 * does with it. `close(code, reason)` becomes the close frame (or HTTP status) the real
 * client gets; `send()` calls are replayed before that close frame when the upgrade is
 * completed, and dropped when it is refused with an HTTP status.
 * @publicApi
 */
export class PendingWsClient {
  readonly readyState = ReadyState.CONNECTING;
  #decision?: RejectionDecision;
  readonly #sent: unknown[] = [];

  get decision(): RejectionDecision | undefined {
    return this.#decision;
  }

  /** Messages a filter sent before closing, in order. */
  get sent(): readonly unknown[] {
    return this.#sent;
  }

  close(code: number, reason = ''): void {
    this.#decision ??= { code, reason: typeof reason === 'string' ? reason : String(reason) };
  }

  terminate(): void {
    this.#decision ??= { code: 1011, reason: '' };
  }

  send(data: unknown): void {
    if (!this.#decision) this.#sent.push(data);
  }
}
