import { createRequire } from 'node:module';
import type * as WsModule from 'ws';

/**
 * `ws` as `@nestjs/platform-ws` loads it: the same copy the stock adapter uses,
 * so this package adds no `ws` of its own.
 */
export function loadWsPackage(): typeof WsModule {
  const require = createRequire(import.meta.url);
  const platformWs = require.resolve('@nestjs/platform-ws');
  return createRequire(platformWs)('ws') as typeof WsModule;
}
