import type { Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/internal';

/**
 * A `ws` execution context for the phases the library runs itself (handshake, connection,
 * disconnect), built as Nest builds one for a message (packages/websockets/context/ws-proxy.ts):
 * guards and filters then see the same `switchToWs()`, `getClass()` and `getHandler()`.
 */
export function createWsHost(args: unknown[], gateway: Type, handler: Function): ExecutionContextHost {
  const host = new ExecutionContextHost(args, gateway, handler as never);
  host.setType('ws');
  return host;
}
