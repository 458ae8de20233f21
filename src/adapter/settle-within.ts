import type { EventEmitter } from 'node:events';

export const TIMED_OUT = Symbol('timed out');
export const GONE = Symbol('gone');

/**
 * The promise's value, or `TIMED_OUT` after `ms`, or `GONE` as soon as `peer` emits
 * `close` (the client left while we waited). The timer and the listener go either way,
 * so a guard or hook that never settles keeps nothing alive but itself.
 */
export function settleWithin<T>(promise: PromiseLike<T>, ms: number, peer?: EventEmitter): Promise<T | typeof TIMED_OUT | typeof GONE> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      peer?.off('close', onClose);
    };
    const onClose = () => {
      done();
      resolve(GONE);
    };
    const timer = setTimeout(() => {
      done();
      resolve(TIMED_OUT);
    }, ms);
    peer?.once('close', onClose);
    promise.then(
      value => {
        done();
        resolve(value);
      },
      error => {
        done();
        reject(error);
      },
    );
  });
}
