import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GONE, TIMED_OUT, settleWithin } from '../../../src/adapter/settle-within.js';
import { deferred } from '../../fixtures/hostile-raw.js';

// Fake timers: the timeout is reached by advancing the clock, never by waiting for it.
describe('settleWithin', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** What is still armed once a race is over: the timer and the peer's listener must be gone. */
  const leftovers = (peer: EventEmitter) => ({ timers: vi.getTimerCount(), listeners: peer.listenerCount('close') });

  describe('when the promise settles first', () => {
    it('resolves with its value and leaves no timer or listener', async () => {
      const peer = new EventEmitter();
      const work = deferred<string>();
      const result = settleWithin(work.promise, 1_000, peer);
      expect(leftovers(peer)).toEqual({ timers: 1, listeners: 1 });
      work.resolve('done');
      expect(await result).toBe('done');
      expect(leftovers(peer)).toEqual({ timers: 0, listeners: 0 });
    });

    it('rejects with its error and leaves no timer or listener', async () => {
      const peer = new EventEmitter();
      const failure = new Error('guard failed');
      const result = settleWithin(Promise.reject(failure), 1_000, peer);
      await expect(result).rejects.toBe(failure);
      expect(leftovers(peer)).toEqual({ timers: 0, listeners: 0 });
    });

    it('accepts any thenable, not only a promise', async () => {
      const thenable = { then: (onValue: (value: number) => void) => onValue(7) } as unknown as PromiseLike<number>;
      expect(await settleWithin(thenable, 1_000)).toBe(7);
    });
  });

  describe('when the time runs out first', () => {
    it('resolves TIMED_OUT at `ms`, not before, and ignores a later value', async () => {
      const peer = new EventEmitter();
      const work = deferred<string>();
      const seen: unknown[] = [];
      void settleWithin(work.promise, 200, peer).then(outcome => seen.push(outcome));
      await vi.advanceTimersByTimeAsync(199);
      expect(seen).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(seen).toEqual([TIMED_OUT]);
      expect(leftovers(peer)).toEqual({ timers: 0, listeners: 0 });
      work.resolve('late');
      await vi.advanceTimersByTimeAsync(0);
      expect(seen).toEqual([TIMED_OUT]);
    });

    it('resolves TIMED_OUT for a promise that never settles, without a peer', async () => {
      const result = settleWithin(new Promise<never>(() => undefined), 50);
      await vi.advanceTimersByTimeAsync(50);
      expect(await result).toBe(TIMED_OUT);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('when the peer closes first', () => {
    it('resolves GONE at once and leaves no timer or listener', async () => {
      const peer = new EventEmitter();
      const result = settleWithin(new Promise<never>(() => undefined), 1_000, peer);
      peer.emit('close');
      expect(await result).toBe(GONE);
      expect(leftovers(peer)).toEqual({ timers: 0, listeners: 0 });
    });

    it('keeps the value when the peer closes afterwards', async () => {
      const peer = new EventEmitter();
      const result = settleWithin(Promise.resolve('first'), 1_000, peer);
      expect(await result).toBe('first');
      peer.emit('close');
      expect(await result).toBe('first');
      expect(leftovers(peer)).toEqual({ timers: 0, listeners: 0 });
    });
  });
});
