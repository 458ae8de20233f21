import type { IncomingMessage } from 'node:http';
import * as websocketsInternal from '@nestjs/websockets/internal';

/**
 * The key under which Nest's next `WsAdapter` stores a client's path parameters for
 * `@WsParam()` (packages/websockets/constants.ts `WS_PATH_PARAMS`, read by
 * decorators/ws-param.decorator.ts; not in @nestjs/websockets 12.1). Read from Nest itself,
 * so that the day it ships, `@WsParam('itemId')` works under this adapter unchanged.
 */
const WS_PATH_PARAMS = (websocketsInternal as Record<string, unknown>).WS_PATH_PARAMS as string | symbol | undefined;

/**
 * Where Nest's own adapter puts path parameters: `request.params` (what `handleConnection(client, request)`
 * reads) and, where this Nest has it, the client's `WS_PATH_PARAMS` key.
 */
export function exposePathParams(request: IncomingMessage, client: object | undefined, params: Record<string, string | string[]>): void {
  (request as IncomingMessage & { params?: unknown }).params = params;
  if (client && WS_PATH_PARAMS !== undefined) (client as Record<string | symbol, unknown>)[WS_PATH_PARAMS] = params;
}
