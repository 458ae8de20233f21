import type { Type } from '@nestjs/common';
import type { HandshakeData, RawHandshakeValues } from './handshake-data.interface.js';

/**
 * The DTO classes a gateway's handshake is validated against; any subset.
 * @publicApi
 */
export interface WsHandshakeSpec {
  /** Path parameters of the gateway's `path` pattern (`/items/:itemId/ws`). */
  params?: Type<object>;
  query?: Type<object>;
  /** Header names are lower-case. */
  headers?: Type<object>;
  cookies?: Type<object>;
}

type Source<S extends WsHandshakeSpec, K extends keyof WsHandshakeSpec> =
  S[K] extends Type<infer T extends object> ? T : RawHandshakeValues[K];

/**
 * The validated handshake a spec describes: each source with a DTO is that DTO's instance,
 * each source without one keeps its raw type.
 * @publicApi
 */
export type HandshakeOf<S extends WsHandshakeSpec> = HandshakeData<
  Source<S, 'params'>,
  Source<S, 'query'>,
  Source<S, 'headers'>,
  Source<S, 'cookies'>
>;

/**
 * One definition for the decorator and the typed getter, so that a wrong DTO or a typo is a
 * compile error:
 * ```ts
 * export const ItemHandshake = defineHandshake({ params: ItemParams, cookies: SessionCookies });
 * @WsHandshake(ItemHandshake)
 * …
 * const { params, cookies } = getHandshake(client, ItemHandshake); // ItemParams, SessionCookies
 * ```
 * @publicApi
 */
export function defineHandshake<const S extends WsHandshakeSpec>(spec: S): Readonly<S> {
  return Object.freeze({ ...spec });
}
