import { isThenable } from './is-thenable.util.js';

/** A value now, or a promise of it: what a step that is usually synchronous returns. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Runs `run`, then `onValue` with its result, or `onError` with what it threw or rejected
 * with. Without a promise anywhere it all happens now, in this tick; that is the handshake's
 * fast path, and the async path is the same code, not a twin of it.
 */
export function settle<T, R>(
  run: () => MaybePromise<T>,
  onValue: (value: T) => MaybePromise<R>,
  onError: (error: unknown) => MaybePromise<R>,
): MaybePromise<R> {
  let result: MaybePromise<T>;
  try {
    result = run();
  } catch (error) {
    return onError(error);
  }
  return isThenable(result) ? Promise.resolve(result).then(onValue, onError) : onValue(result);
}

/** Runs each step in order, waiting only for the steps that return a promise. */
export function inSequence<T>(items: readonly T[], step: (item: T) => MaybePromise<void>, from = 0): MaybePromise<void> {
  for (let i = from; i < items.length; i++) {
    const result = step(items[i]!);
    if (isThenable(result)) return Promise.resolve(result).then(() => inSequence(items, step, i + 1));
  }
}

/** `fn(value)` now, or once `value` settles; a rejection passes through untouched. */
export function andThen<T, R>(value: MaybePromise<T>, fn: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isThenable(value) ? Promise.resolve(value).then(fn) : fn(value);
}
