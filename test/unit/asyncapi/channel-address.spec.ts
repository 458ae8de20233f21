import { describe, expect, it } from 'vitest';
import { toChannelAddress } from '../../../src/asyncapi/channel-address.js';

describe('toChannelAddress', () => {
  it('writes :param as {param}', () => {
    expect(toChannelAddress('/items/:itemId/ws')).toEqual({
      address: '/items/{itemId}/ws',
      parameters: [{ name: 'itemId', optional: false, wildcard: false }],
    });
  });

  it('keeps a static path as it is', () => {
    expect(toChannelAddress('/ws')).toEqual({ address: '/ws', parameters: [] });
  });

  it('writes an optional group out in full and marks its parameters optional', () => {
    expect(toChannelAddress('/rooms{/:room}/chat')).toEqual({
      address: '/rooms/{room}/chat',
      parameters: [{ name: 'room', optional: true, wildcard: false }],
    });
  });

  it('turns a wildcard into a parameter marked as such', () => {
    expect(toChannelAddress('/files/*filePath')).toEqual({
      address: '/files/{filePath}',
      parameters: [{ name: 'filePath', optional: false, wildcard: true }],
    });
  });

  it('gives null for a gateway that serves every path of its own port', () => {
    expect(toChannelAddress(undefined)).toEqual({ address: null, parameters: [] });
  });
});
