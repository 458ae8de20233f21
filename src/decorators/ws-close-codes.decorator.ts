import type { CloseCause } from '../asyncapi/close-code.catalogue.js';
import { assertSendableCloseCode } from '../close-frame/close-code.validation.js';
import { WS_CLOSE_CODES_METADATA } from '../ws-errors.constants.js';
import { appendListMetadata, readListMetadata } from './list-metadata.util.js';

/**
 * A close code a gateway can send, as the user declares it for its AsyncAPI document.
 * @publicApi
 */
export interface WsCloseCodeDeclaration {
  /** A code that may be sent: 1000–1003, 1007–1014, 3000–4999. */
  code: number;
  /** The reason text the client reads (or what it says). */
  reason?: string;
  /** When the gateway closes with it, for a client author. */
  when?: string;
  /** Whether a client should reconnect; derived from the code when not given (see `shouldReconnect`). */
  retry?: boolean;
  /** Whether a reconnect should wait, with growing pauses. Derived from the code when not given. */
  backoff?: boolean;
  /** When it can happen: before admission, for a message, or either (the default). */
  phase?: 'handshake' | 'message' | 'any';
  /**
   * Rows of the default table this code stands in for, e.g. `['validation']` on a filter that
   * closes validation errors with 1003 instead of 1008: those rows are left out.
   */
  replaces?: Exclude<CloseCause, 'declared'>[];
}

/**
 * Declares close codes for the AsyncAPI document (`x-close-codes`), beside the ones the library
 * knows of itself. On a gateway class or a `@SubscribeMessage` handler they are the gateway's;
 * on a filter class, they are every gateway's that uses the filter (`@UseFilters` or the module's `filters`).
 *
 * ```ts
 * @WsCloseCodes({ code: 4001, reason: 'Session expired', when: 'the session ended', retry: false })
 * ```
 * A code that may not be sent throws a `RangeError` where the decorator is applied.
 * @publicApi
 */
export function WsCloseCodes(...codes: WsCloseCodeDeclaration[]): ClassDecorator & MethodDecorator {
  for (const declared of codes) assertSendableCloseCode(declared.code);
  return appendListMetadata(WS_CLOSE_CODES_METADATA, codes);
}

/** What `@WsCloseCodes` declared on a class or a method; `[]` when nothing. */
export function declaredCloseCodes(holder: object | undefined): readonly WsCloseCodeDeclaration[] {
  return readListMetadata(WS_CLOSE_CODES_METADATA, holder);
}
