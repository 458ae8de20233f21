/** Keys that would reach an object's prototype if assigned; never handed to class-transformer. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** How many prototype-key locations are reported: enough to say what was wrong, never a cost per key. */
export const MAX_REPORTED_PROTOTYPE_KEYS = 16;

/** A visited value and how it was reached, so that a path is built only for what is reported. */
interface Visit {
  value: unknown;
  parent: Visit | undefined;
  key: string | number | undefined;
}

/**
 * Deletes `__proto__`, `constructor` and `prototype` own keys from a parsed body, at every
 * depth, in place, and says where the first {@link MAX_REPORTED_PROTOTYPE_KEYS} were:
 * `JSON.parse('{"__proto__":{}}')` makes an own `__proto__` key, which class-transformer
 * would assign and so swap the DTO's prototype (and skip its validation). Iterative, each
 * object once, and paths built from parent links only when reported, so neither a deep, a
 * wide nor a cyclic value can throw or cost more than linear time.
 * @internal
 */
export function stripPrototypeKeys(value: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const visited = new WeakSet<object>();
  const stack: Visit[] = [{ value, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const current = visit.value;
    if (current === null || typeof current !== 'object' || visited.has(current) || ArrayBuffer.isView(current)) continue;
    visited.add(current);
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, parent: visit, key: index }));
      continue;
    }
    const proto = Object.getPrototypeOf(current) as unknown;
    if (proto !== Object.prototype && proto !== null) continue; // a Date, a Map, a class instance: not parsed JSON
    for (const key of PROTOTYPE_KEYS) {
      if (!Object.hasOwn(current, key)) continue;
      delete (current as Record<string, unknown>)[key];
      if (found.length < MAX_REPORTED_PROTOTYPE_KEYS) found.push([...pathOf(visit), key]);
    }
    for (const key of Object.keys(current)) stack.push({ value: (current as Record<string, unknown>)[key], parent: visit, key });
  }
  return found;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}
