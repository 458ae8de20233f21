import { match, type MatchFunction } from 'path-to-regexp';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';

/** One WebSocket server on a port: its path pattern and the gateways it serves. */
export interface ServerRoute<S = unknown> {
  readonly server: S;
  /** `undefined`: every path (a gateway on its own port with no `path`). */
  readonly pattern: string | undefined;
  readonly gateways: GatewayDescriptor[];
  /** A gateway of the route declares `@WsHandshake`: handshakes are checked, clients admitted. */
  readonly checked: boolean;
}

export type RouteMatch<S> =
  | { kind: 'found'; route: ServerRoute<S>; params: Record<string, string | string[]> }
  | { kind: 'not-found' }
  | { kind: 'malformed' };

interface CompiledRoute<S> {
  route: ServerRoute<S>;
  match: MatchFunction<Record<string, string | string[]>>;
}

/**
 * Path pattern → server, for the servers that share one port. Patterns use Nest's
 * controller syntax through path-to-regexp (the major version Nest 12 uses); static
 * patterns are looked up first, in a map.
 */
export class UpgradeRouter<S> {
  readonly #static = new Map<string, ServerRoute<S>>();
  readonly #dynamic: CompiledRoute<S>[] = [];
  #catchAll?: ServerRoute<S>;

  add(route: ServerRoute<S>): void {
    if (route.pattern === undefined) {
      this.#catchAll ??= route;
      return;
    }
    const compiled = match<Record<string, string | string[]>>(route.pattern, { sensitive: true, trailing: true });
    if (isStatic(route.pattern)) {
      this.#static.set(route.pattern, route);
      this.#static.set(`${route.pattern}/`, route);
    }
    this.#dynamic.push({ route, match: compiled });
  }

  /** `pathname` as sent, still percent-encoded; a malformed escape is a result, not a throw. */
  match(pathname: string): RouteMatch<S> {
    const exact = this.#static.get(pathname);
    if (exact) return { kind: 'found', route: exact, params: Object.create(null) };
    try {
      for (const { route, match: matches } of this.#dynamic) {
        const result = matches(pathname);
        if (result) return { kind: 'found', route, params: result.params };
      }
    } catch (error) {
      if (error instanceof URIError) return { kind: 'malformed' };
      throw error;
    }
    return this.#catchAll ? { kind: 'found', route: this.#catchAll, params: Object.create(null) } : { kind: 'not-found' };
  }
}

function isStatic(pattern: string): boolean {
  return !/[:*{}()\\]/.test(pattern);
}
