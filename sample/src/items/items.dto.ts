import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { defineHandshake } from 'nestjs-ws-errors';

/** `/items/:itemId/ws`: the path parameter. */
export class ItemParams {
  @IsString()
  @IsNotEmpty()
  itemId!: string;
}

/** The `session` cookie is optional here: the gateway itself decides what its absence means. */
export class SessionCookies {
  @IsOptional()
  @IsString()
  session?: string;
}

/** One definition for `@WsHandshake` and the typed `getHandshake(client, ItemHandshake)`. */
export const ItemHandshake = defineHandshake({ params: ItemParams, cookies: SessionCookies });
