/** Keys that would reach an object's prototype if assigned; never handed to class-transformer. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deletes `__proto__`, `constructor` and `prototype` own keys from a parsed body, at every
 * depth, in place, and says where they were: `JSON.parse('{"__proto__":{}}')` makes an own
 * `__proto__` key, which class-transformer would assign and so swap the DTO's prototype
 * (and skip its validation). Iterative, and each object once, so neither a deep nor a cyclic
 * value can throw.
 * @internal
 */
export function stripPrototypeKeys(value: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const visited = new WeakSet<object>();
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== 'object' || visited.has(current) || ArrayBuffer.isView(current)) continue;
    visited.add(current);
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: [...path, index] }));
      continue;
    }
    const proto = Object.getPrototypeOf(current) as unknown;
    if (proto !== Object.prototype && proto !== null) continue; // a Date, a Map, a class instance: not parsed JSON
    for (const key of PROTOTYPE_KEYS) {
      if (!Object.hasOwn(current, key)) continue;
      delete (current as Record<string, unknown>)[key];
      found.push([...path, key]);
    }
    for (const key of Object.keys(current)) stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
  }
  return found;
}
