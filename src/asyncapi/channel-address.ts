import { parse, type Token } from 'path-to-regexp';

/** A gateway's path pattern in AsyncAPI form. */
export interface ChannelAddress {
  /** `/items/{itemId}/ws`; `null` for a gateway that serves every path of its own port. */
  address: string | null;
  /** The parameters in the order they appear, with what AsyncAPI cannot say in the address itself. */
  parameters: { name: string; optional: boolean; wildcard: boolean }[];
}

/**
 * `/items/:itemId/ws` → `/items/{itemId}/ws`, read with the path-to-regexp that routes upgrades.
 * AsyncAPI addresses have no optional segments: a `{…}` group is written out in full and its
 * parameters are marked optional; a `*wildcard` becomes a parameter that may hold slashes.
 */
export function toChannelAddress(pattern: string | undefined): ChannelAddress {
  if (pattern === undefined) return { address: null, parameters: [] };
  const parameters: ChannelAddress['parameters'] = [];
  const write = (tokens: readonly Token[], optional: boolean): string =>
    tokens
      .map(token => {
        switch (token.type) {
          case 'text':
            return token.value;
          case 'param':
          case 'wildcard':
            parameters.push({ name: token.name, optional, wildcard: token.type === 'wildcard' });
            return `{${token.name}}`;
          case 'group':
            return write(token.tokens, true);
        }
      })
      .join('');
  return { address: write(parse(pattern).tokens, false), parameters };
}
