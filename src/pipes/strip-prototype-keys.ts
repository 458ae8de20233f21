import { PROTOTYPE_KEYS } from '../handshake/value.coercion.js';

/**
 * Deletes `__proto__`, `constructor` and `prototype` own keys from a parsed body, at every
 * depth, in place: `JSON.parse('{"__proto__":{}}')` makes an own `__proto__` key, which
 * class-transformer would assign and so swap the DTO's prototype (and skip its validation).
 * Iterative, and each object once, so neither a deep nor a cyclic value can throw.
 * @internal
 */
export function stripPrototypeKeys(value: unknown): void {
  const visited = new WeakSet<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object' || visited.has(current) || ArrayBuffer.isView(current)) continue;
    visited.add(current);
    if (Array.isArray(current)) {
      for (const item of Object.values(current)) stack.push(item);
      continue;
    }
    const proto = Object.getPrototypeOf(current) as unknown;
    if (proto !== Object.prototype && proto !== null) continue; // a Date, a Map, a class instance: not parsed JSON
    for (const key of PROTOTYPE_KEYS) {
      if (Object.hasOwn(current, key)) delete (current as Record<string, unknown>)[key];
    }
    for (const key of Object.keys(current)) stack.push((current as Record<string, unknown>)[key]);
  }
}
