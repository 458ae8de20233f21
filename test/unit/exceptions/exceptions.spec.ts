import { WsException } from '@nestjs/websockets';
import { describe, expect, it } from 'vitest';
import {
  WebSocketException,
  WebSocketRequestValidationError,
  type EndpointContext,
  type WsValidationErrorItem,
} from '../../../src/index.js';

describe('WebSocketException', () => {
  it.each([1004, 1005, 1006, 1015, 999, 5000, 1016, 2999, 1000.5, Number.NaN])(
    'refuses close code %s with a RangeError naming it',
    code => {
      expect(() => new WebSocketException(code, 'x')).toThrow(RangeError);
      expect(() => new WebSocketException(code)).toThrow(String(code));
    },
  );

  it.each([1000, 1003, 1007, 1008, 1011, 1014, 3000, 4001, 4999])('accepts close code %s', code => {
    const exception = new WebSocketException(code, 'nope: ws');
    expect(exception).toBeInstanceOf(WsException);
    expect(exception).toMatchObject({ code, reason: 'nope: ws', message: 'nope: ws', name: 'WebSocketException' });
  });

  it('has an empty reason when none is given', () => {
    expect(new WebSocketException(1000).reason).toBe('');
  });
});

const items: WsValidationErrorItem[] = [
  { type: 'missing', loc: ['cookie', 'session'], msg: 'Field required' },
  { type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' },
];

class ItemsGateway {
  handleConnection() {}
}
const endpoint: EndpointContext = {
  gateway: ItemsGateway,
  handler: ItemsGateway.prototype.handleConnection,
  function: 'ItemsGateway.handleConnection',
  path: 'WS /items/:itemId/ws',
  phase: 'handshake',
};

describe('WebSocketRequestValidationError', () => {
  it('is a WsException whose errors() are the items', () => {
    const error = new WebSocketRequestValidationError(items);
    expect(error).toBeInstanceOf(WsException);
    expect(error.errors()).toEqual(items);
    expect(error.endpointCtx).toBeUndefined();
  });

  it('hands out copies: changing errors() changes nothing', () => {
    const error = new WebSocketRequestValidationError(items);
    const copy = error.errors();
    copy[0]!.loc.push('x');
    copy.pop();
    expect(error.errors()).toEqual(items);
  });

  it('prints like FastAPI str(exc), endpoint last', () => {
    expect(new WebSocketRequestValidationError(items, endpoint).toString()).toBe(
      [
        '2 validation errors:',
        '  {"type":"missing","loc":["cookie","session"],"msg":"Field required"}',
        '  {"type":"isInt","loc":["query","q"],"msg":"q must be an integer number","input":"abc"}',
        '  ItemsGateway.handleConnection',
        '    WS /items/:itemId/ws',
      ].join('\n'),
    );
  });

  it('says "1 validation error" for one, and leaves the endpoint out when unknown', () => {
    expect(new WebSocketRequestValidationError(items.slice(0, 1)).toString()).toBe(
      '1 validation error:\n  {"type":"missing","loc":["cookie","session"],"msg":"Field required"}',
    );
  });

  it('prints an item whose input cannot be JSON without throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const text = new WebSocketRequestValidationError([{ type: 'x', loc: ['body'], msg: 'm', input: cyclic }]).toString();
    expect(text.startsWith('1 validation error:\n  ')).toBe(true);
  });

  it('withEndpoint() names the endpoint on a new error with the same items', () => {
    const bare = new WebSocketRequestValidationError(items);
    const named = bare.withEndpoint(endpoint);
    expect(named).not.toBe(bare);
    expect(named.endpointCtx).toBe(endpoint);
    expect(named.errors()).toEqual(items);
    expect(bare.endpointCtx).toBeUndefined();
  });
});
