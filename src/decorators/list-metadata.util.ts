/**
 * A decorator that appends `items` to a list kept under `key` on the class, or on the method
 * for a method decorator; repeated decorators add up.
 * @internal
 */
export function appendListMetadata<T extends object>(key: string, items: readonly T[]): ClassDecorator & MethodDecorator {
  const frozen = Object.freeze(items.map(item => Object.freeze({ ...item })));
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? (descriptor.value as object) : target;
    const existing = (Reflect.getOwnMetadata(key, holder) as T[] | undefined) ?? [];
    Reflect.defineMetadata(key, [...existing, ...frozen], holder);
  };
}

/** The list `appendListMetadata` kept under `key` on a class or a method; `[]` when none. */
export function readListMetadata<T>(key: string, holder: object | undefined): readonly T[] {
  if (!holder) return [];
  return (Reflect.getMetadata(key, holder) as T[] | undefined) ?? [];
}
