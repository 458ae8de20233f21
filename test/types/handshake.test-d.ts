import { IsInt, IsOptional, IsString } from 'class-validator';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expectTypeOf, it } from 'vitest';
import type { WebSocket } from 'ws';
import { defineHandshake, getHandshake, PendingWsClient, WsHandshake, type HandshakeData, type RawHandshakeData } from '../../src/index.js';

// A type test: never run, checked by `tsc` (`npm test` starts with `npm run typecheck`, which covers test/),
// so a regression in inference, or an @ts-expect-error that no longer errors, fails the build.

class ItemParams {
  @IsString() itemId!: string;
}
class SessionCookies {
  @IsOptional() @IsString() session?: string;
}
class ItemQuery {
  @IsInt() q!: number;
}

const ItemHandshake = defineHandshake({ params: ItemParams, cookies: SessionCookies });
const WithQuery = defineHandshake({ query: ItemQuery });

@WsHandshake(ItemHandshake)
class ItemsGateway {
  handleConnection(client: WebSocket) {
    return getHandshake(client, ItemHandshake);
  }
}

describe('typed handshakes', () => {
  it('infers each source from the definition; sources without a DTO keep their raw types', () => {
    const client = {} as WebSocket;
    const handshake = getHandshake(client, ItemHandshake);
    expectTypeOf(handshake.params).toEqualTypeOf<ItemParams>();
    expectTypeOf(handshake.cookies).toEqualTypeOf<SessionCookies>();
    expectTypeOf(handshake.cookies.session).toEqualTypeOf<string | undefined>();
    expectTypeOf(handshake.query).toEqualTypeOf<Record<string, string | string[]>>();
    expectTypeOf(handshake.headers).toEqualTypeOf<IncomingHttpHeaders>();
    expectTypeOf(handshake.validated).toEqualTypeOf<true>();
    expectTypeOf(getHandshake(client, WithQuery).query.q).toEqualTypeOf<number>();
    expectTypeOf(new ItemsGateway().handleConnection(client).params.itemId).toEqualTypeOf<string>();
  });

  it('makes a typo or a wrong DTO a compile error', () => {
    const handshake = getHandshake({} as WebSocket, ItemHandshake);
    // @ts-expect-error: `sesion` is not a property of SessionCookies
    void handshake.cookies.sesion;
    // @ts-expect-error: the definition has no query DTO, so `q` is a raw string, not a number
    const q: number = handshake.query.q;
    void q;
    // @ts-expect-error: a definition takes DTO classes, not instances
    defineHandshake({ params: new ItemParams() });
  });

  it('types the pending client of a handshake guard as raw values', () => {
    const raw = getHandshake(new PendingWsClient());
    expectTypeOf(raw).toEqualTypeOf<RawHandshakeData>();
    expectTypeOf(raw.validated).toEqualTypeOf<false>();
    expectTypeOf(raw.query).toEqualTypeOf<Record<string, string | string[]>>();
    expectTypeOf(raw.params).toEqualTypeOf<Record<string, string | string[]>>();
  });

  it('keeps positional types for existing code', () => {
    expectTypeOf(getHandshake<ItemParams>({} as WebSocket)).toEqualTypeOf<HandshakeData<ItemParams>>();
  });
});
