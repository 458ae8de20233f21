import { describe, expect, it } from 'vitest';
import { declaredCloseCodes } from '../../../src/decorators/ws-close-codes.decorator.js';
import { declaredSends } from '../../../src/decorators/ws-sends.decorator.js';
import { WsCloseCodes, WsSends } from '../../../src/index.js';

describe('@WsCloseCodes', () => {
  it('throws a RangeError naming a code that may not be sent', () => {
    expect(() => WsCloseCodes({ code: 1005 })).toThrow(RangeError);
    expect(() => WsCloseCodes({ code: 1005 })).toThrow(/1005/);
    expect(() => WsCloseCodes({ code: 5000 })).toThrow(RangeError);
  });

  it('keeps every declaration on a class and on a method, in order', () => {
    @WsCloseCodes({ code: 4001, reason: 'a' })
    @WsCloseCodes({ code: 4002, reason: 'b' }, { code: 4003 })
    class Gateway {
      @WsCloseCodes({ code: 4004 })
      handler() {}
    }
    expect(declaredCloseCodes(Gateway).map(entry => entry.code)).toEqual([4002, 4003, 4001]);
    expect(declaredCloseCodes(Gateway.prototype.handler)).toEqual([{ code: 4004 }]);
    expect(declaredCloseCodes(class Other {})).toEqual([]);
  });

  it('does not let a caller change a declaration afterwards', () => {
    const declaration = { code: 4001, reason: 'a' };
    @WsCloseCodes(declaration)
    class Gateway {}
    declaration.reason = 'changed';
    expect(declaredCloseCodes(Gateway)[0]!.reason).toBe('a');
    expect(Object.isFrozen(declaredCloseCodes(Gateway)[0])).toBe(true);
  });
});

describe('@WsSends', () => {
  it('keeps what a gateway sends on its own and what a handler replies', () => {
    @WsSends({ event: 'welcome', payload: String })
    class Gateway {
      @WsSends({ event: 'echo' })
      echo() {}
    }
    expect(declaredSends(Gateway)).toEqual([{ event: 'welcome', payload: String }]);
    expect(declaredSends(Gateway.prototype.echo)).toEqual([{ event: 'echo' }]);
  });
});
