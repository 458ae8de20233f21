import { WsStatus } from '../close-frame/ws-status.js';
import { ReadyState } from '../ws-errors.constants.js';

/** What a filter decided for a client that was never admitted. */
export interface RejectionDecision {
  code: number;
  reason: string;
}

/**
 * The client a handshake guard or filter sees before the socket exists. `getUpgradeRequest(client)`
 * and `getHandshake(client)` work on it as on the socket. What it is sent before a refusal
 * begins is held and sent once the client is admitted (dropped if it is refused); what a
 * filter sends while refusing it goes out just before the close frame (dropped when the
 * refusal is an HTTP status). `close(code, reason)` becomes that close frame or status.
 * @publicApi
 */
export class PendingWsClient {
  readonly readyState = ReadyState.CONNECTING;
  #decision?: RejectionDecision;
  #refusing = false;
  readonly #held: unknown[] = [];
  readonly #replies: unknown[] = [];

  get decision(): RejectionDecision | undefined {
    return this.#decision;
  }

  /** Sent before any refusal began: for the client once admitted. */
  get held(): readonly unknown[] {
    return this.#held;
  }

  /** Sent by the filter refusing the client, in order, for just before the close frame. */
  get sent(): readonly unknown[] {
    return this.#replies;
  }

  /** @internal From now on the client is being refused: what is held will never be sent. */
  beginRefusal(): void {
    this.#refusing = true;
  }

  close(code: number, reason = ''): void {
    this.#decision ??= { code, reason: typeof reason === 'string' ? reason : String(reason) };
  }

  terminate(): void {
    this.#decision ??= { code: WsStatus.WS_1011_INTERNAL_ERROR, reason: '' };
  }

  send(data: unknown): void {
    if (this.#decision) return;
    (this.#refusing ? this.#replies : this.#held).push(data);
  }
}
