import type { IncomingMessage } from 'node:http';
import type { AllowedOrigins } from '../interfaces/ws-errors-options.interface.js';

/**
 * Cross-site WebSocket hijacking defence: a browser always sends `Origin` on an upgrade,
 * so a foreign one is refused. A request without `Origin` is not from a browser page
 * and passes (unless a predicate says otherwise).
 */
export function isOriginAllowed(allowed: AllowedOrigins, request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (typeof allowed === 'function') return allowed(origin, request);
  if (origin === undefined) return true;
  if (allowed instanceof RegExp) return allowed.test(origin);
  const lower = origin.toLowerCase();
  return allowed.some(entry => (typeof entry === 'string' ? entry.toLowerCase() === lower : entry.test(origin)));
}
