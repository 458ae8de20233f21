import type { Type } from '@nestjs/common';
import { WS_SENDS_METADATA } from '../ws-errors.constants.js';
import { appendListMetadata, readListMetadata } from './list-metadata.util.js';

/**
 * A message a gateway sends, for its AsyncAPI document.
 * @publicApi
 */
export interface WsSendsSpec {
  /**
   * The `event` of the `{ event, data }` frame; `payload` then describes `data`.
   * Without it, `payload` describes the whole frame, as the handler returns it.
   */
  event?: string;
  /** A DTO class (`[Dto]` for an array of them), or `String`, `Number`, `Boolean`. */
  payload?: Type<unknown> | [Type<unknown>];
  description?: string;
}

/**
 * Documents what a gateway sends. On a `@SubscribeMessage` handler it is the handler's reply
 * (what it returns, which Nest sends as JSON); on the gateway class, a message it sends on its
 * own (from `handleConnection`, a timer, …). Only the AsyncAPI document reads it.
 *
 * ```ts
 * @SubscribeMessage('echo')
 * @WsSends({ event: 'echo', payload: String })
 * echo(@MessageBody() text: string) { return { event: 'echo', data: text }; }
 * ```
 * @publicApi
 */
export function WsSends(...specs: WsSendsSpec[]): ClassDecorator & MethodDecorator {
  return appendListMetadata(WS_SENDS_METADATA, specs);
}

/** What `@WsSends` declared on a class or a method; `[]` when nothing. */
export function declaredSends(holder: object | undefined): readonly WsSendsSpec[] {
  return readListMetadata(WS_SENDS_METADATA, holder);
}
