import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpgradeRouter, type RouteMatch, type ServerRoute } from '../../../src/adapter/upgrade.router.js';

const route = (server: string, pattern: string | undefined): ServerRoute<string> => ({ server, pattern, gateways: [], checked: false });

function routerOf(...routes: ServerRoute<string>[]): UpgradeRouter<string> {
  const router = new UpgradeRouter<string>();
  for (const added of routes) router.add(added);
  return router;
}

/** The server a path reaches and the params it gets, or the kind of miss. */
function served(match: RouteMatch<string>): { server: string; params: Record<string, unknown> } | RouteMatch<string>['kind'] {
  return match.kind === 'found' ? { server: match.route.server, params: { ...match.params } } : match.kind;
}

// ------------------------------------------------------------------ generators

/** A static segment: never a pattern character, never a percent escape. */
const literal = fc.stringMatching(/^[a-z0-9_.~-]{1,8}$/);
/** Any well-formed text: `encodeURIComponent` throws on a lone surrogate. */
const paramValue = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
/** Param names are JavaScript identifiers in path-to-regexp 8. */
const paramName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,7}$/);

type Segment = { literal: string } | { param: string; value: string };

/** A pattern of literal segments and `:params`, the concrete path that fills it, and the params it should yield. */
const patternAndPath = fc
  .uniqueArray(paramName, { minLength: 1, maxLength: 4, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() })
  .chain(names =>
    fc.tuple(
      fc.array(literal, { minLength: names.length + 1, maxLength: names.length + 1 }),
      fc.array(paramValue, { minLength: names.length, maxLength: names.length }),
      fc.boolean(),
    ).map(([literals, values, trailingSlash]) => {
      const segments: Segment[] = [];
      names.forEach((name, i) => segments.push({ literal: literals[i]! }, { param: name, value: values[i]! }));
      segments.push({ literal: literals[names.length]! });
      const pattern = '/' + segments.map(s => ('literal' in s ? s.literal : `:${s.param}`)).join('/');
      const path = '/' + segments.map(s => ('literal' in s ? s.literal : encodeURIComponent(s.value))).join('/') + (trailingSlash ? '/' : '');
      const params = Object.fromEntries(names.map((name, i) => [name, values[i]!]));
      return { pattern, path, params };
    }),
  );

// ------------------------------------------------------------------ specs

describe('UpgradeRouter', () => {
  describe('#match() with path parameters', () => {
    it('matches a path built from a pattern and params, and returns those params decoded', () => {
      fc.assert(
        fc.property(patternAndPath, ({ pattern, path, params }) => {
          expect(served(routerOf(route('s', pattern)).match(path))).toEqual({ server: 's', params });
        }),
        { seed: 0x70a7, numRuns: 300 },
      );
    });

    it('fails if a literal segment of the path differs from the pattern', () => {
      fc.assert(
        fc.property(patternAndPath, literal, ({ pattern, path }, other) => {
          const first = pattern.split('/')[1]!;
          fc.pre(other !== first);
          const changed = `/${other}${path.slice(path.indexOf('/', 1))}`;
          expect(routerOf(route('s', pattern)).match(changed)).toEqual({ kind: 'not-found' });
        }),
        { seed: 0x70a8, numRuns: 200 },
      );
    });

    it('gives a wildcard every remaining segment, decoded, as an array', () => {
      const router = routerOf(route('files', '/files/*rest'));
      expect(served(router.match('/files/a/b%20c/d'))).toEqual({ server: 'files', params: { rest: ['a', 'b c', 'd'] } });
    });

    it('hands out params whose prototype chain never reaches Object.prototype', () => {
      const match = routerOf(route('s', '/items/:itemId/ws')).match('/items/__proto__/ws');
      expect(match.kind).toBe('found');
      const { params } = match as Extract<RouteMatch<string>, { kind: 'found' }>;
      expect(params.itemId).toBe('__proto__');
      expect(Object.keys(params)).toEqual(['itemId']);
    });

    it('takes the first added of two patterns that both match', () => {
      const router = routerOf(route('first', '/items/:id'), route('second', '/items/:other'));
      expect(served(router.match('/items/7'))).toEqual({ server: 'first', params: { id: '7' } });
    });
  });

  describe('#match() with static patterns', () => {
    it('matches the exact path and the path with a trailing slash, with no params', () => {
      const router = routerOf(route('chat', '/chat'));
      for (const path of ['/chat', '/chat/']) {
        const match = router.match(path);
        expect(served(match)).toEqual({ server: 'chat', params: {} });
        expect(Object.getPrototypeOf((match as Extract<RouteMatch<string>, { kind: 'found' }>).params)).toBeNull();
      }
    });

    it('fails if the case differs: patterns are case-sensitive', () => {
      expect(routerOf(route('chat', '/chat')).match('/Chat')).toEqual({ kind: 'not-found' });
    });

    it('fails if the path only starts with the pattern', () => {
      const router = routerOf(route('chat', '/chat'), route('item', '/items/:id'));
      expect(router.match('/chat/room')).toEqual({ kind: 'not-found' });
      expect(router.match('/items/1/extra')).toEqual({ kind: 'not-found' });
    });
  });

  describe('#match() without a matching pattern', () => {
    it('is not-found when no route matches and there is no catch-all', () => {
      expect(routerOf(route('chat', '/chat')).match('/nope')).toEqual({ kind: 'not-found' });
      expect(new UpgradeRouter<string>().match('/')).toEqual({ kind: 'not-found' });
    });

    it('falls back to the catch-all (a server without a pattern), after every pattern', () => {
      const router = routerOf(route('any', undefined), route('chat', '/chat'));
      expect(served(router.match('/chat'))).toEqual({ server: 'chat', params: {} });
      expect(served(router.match('/anything/else'))).toEqual({ server: 'any', params: {} });
    });

    it('keeps the first catch-all added', () => {
      const router = routerOf(route('first', undefined), route('second', undefined));
      expect(served(router.match('/x'))).toEqual({ server: 'first', params: {} });
    });

    it('is malformed, not a throw, for a broken percent escape in a parameter', () => {
      const router = routerOf(route('item', '/items/:id/ws'), route('any', undefined));
      for (const path of ['/items/%E0%A4%A/ws', '/items/%/ws', '/items/%C0%AF/ws']) {
        expect(router.match(path)).toEqual({ kind: 'malformed' });
      }
    });
  });
});
