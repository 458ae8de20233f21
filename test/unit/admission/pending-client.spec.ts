import { describe, expect, it } from 'vitest';
import { PendingWsClient } from '../../../src/admission/pending-client.js';
import { ReadyState } from '../../../src/ws-errors.constants.js';

describe('PendingWsClient', () => {
  it('is CONNECTING and has decided nothing until a filter acts', () => {
    const client = new PendingWsClient();
    expect(client.readyState).toBe(ReadyState.CONNECTING);
    expect(client.decision).toBeUndefined();
    expect(client.sent).toEqual([]);
    expect(client.held).toEqual([]);
  });

  describe('#close()', () => {
    it('records the code and reason the real client will get', () => {
      const client = new PendingWsClient();
      client.close(4403, 'Bad token');
      expect(client.decision).toEqual({ code: 4403, reason: 'Bad token' });
    });

    it('keeps the first decision: a second close or a terminate changes nothing', () => {
      const client = new PendingWsClient();
      client.close(1008, 'first');
      client.close(1011, 'second');
      client.terminate();
      expect(client.decision).toEqual({ code: 1008, reason: 'first' });
    });

    it('defaults the reason to empty and turns a non-string reason into text', () => {
      const a = new PendingWsClient();
      a.close(1000);
      expect(a.decision).toEqual({ code: 1000, reason: '' });
      const b = new PendingWsClient();
      b.close(1008, Buffer.from('bytes') as unknown as string);
      expect(b.decision).toEqual({ code: 1008, reason: 'bytes' });
    });
  });

  describe('#terminate()', () => {
    it('decides 1011 with no reason', () => {
      const client = new PendingWsClient();
      client.terminate();
      expect(client.decision).toEqual({ code: 1011, reason: '' });
    });
  });

  describe('#send()', () => {
    it('holds what is sent before a refusal begins, for the client once admitted', () => {
      const client = new PendingWsClient();
      client.send('one');
      client.send({ event: 'two' });
      expect(client.held).toEqual(['one', { event: 'two' }]);
      expect(client.sent).toEqual([]);
    });

    it("keeps what the refusing filter sends, in order, until its decision, and drops the ones after it", () => {
      const client = new PendingWsClient();
      client.send('from a guard');
      client.beginRefusal();
      client.send('one');
      client.send({ event: 'two' });
      client.close(4000, 'bye');
      client.send('after');
      expect(client.sent).toEqual(['one', { event: 'two' }]);
      expect(client.held).toEqual(['from a guard']);
    });
  });
});
