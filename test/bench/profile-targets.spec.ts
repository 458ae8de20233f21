import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROFILE_TARGETS } from '../../bench/lib/profile-targets.mjs';

const ROOT = new URL('../../', import.meta.url);

/** Whether `source` defines a function V8 would name `fn`: a function, class, method, or an arrow assigned to that name. */
function defines(source: string, fn: string): boolean {
  const name = fn.replace(/[$#]/g, char => `\\${char}`);
  return [
    new RegExp(`\\bfunction\\s*\\*?\\s*${name}\\s*[<(]`),
    new RegExp(`\\bclass\\s+${name}\\b`),
    // a method: `name(…) {`, `async name(…): T {`, `override name<T>(…) {`, `#name(…) {` at the start of a line
    new RegExp(`^\\s*(?:(?:static|async|get|set|override|protected|private|public)\\s+)*${name}\\s*(?:<[^>]*>)?\\([^;]*?\\)\\s*(?::[^;{=]+)?\\{`, 'm'),
    // an arrow or function expression: `const name = (…) =>`, `#name = async (…) =>`, `name = function`
    new RegExp(`^\\s*(?:(?:const|let|var|readonly|private|protected)\\s+)*${name}\\s*(?::[^=]+)?=\\s*(?:async\\s*)?(?:\\(|function\\b|[A-Za-z_$][\\w$]*\\s*=>)`, 'm'),
  ].some(pattern => pattern.test(source));
}

describe('bench profile targets (bench/lib/profile-targets.mjs)', () => {
  it('has no target twice', () => {
    const names = PROFILE_TARGETS.flatMap(target => (target.or ? [target.fn, target.or] : [target.fn]));
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it.each(PROFILE_TARGETS.map(target => [target.or ? `${target.fn} (or ${target.or})` : target.fn, target.file, target] as const))(
    'fails if %s is no longer defined in %s',
    (name, file, target) => {
      const source = readFileSync(new URL(file, ROOT), 'utf8');
      const defined = defines(source, target.fn) || (target.or !== undefined && defines(source, target.or));
      expect(defined, `${file} defines no function named ${name}: rename or drop the target`).toBe(true);
    },
  );

  it('tells a defined function from a name that is only called or assigned', () => {
    expect(defines('function raceWithTimeout() {}', 'raceWithTimeout')).toBe(true);
    expect(defines('  async #admit(route) {', '#admit')).toBe(true);
    expect(defines('  #onMessage = (data, isBinary) => {', '#onMessage')).toBe(true);
    expect(defines('  const send = (value: unknown) => {', 'send')).toBe(true);
    expect(defines('return raceWithTimeout(promise, ms);', 'raceWithTimeout')).toBe(false);
    expect(defines('    messageParser = defaultMessageParser;', 'messageParser')).toBe(false);
    expect(defines('this.#admit(route);', '#admit')).toBe(false);
    expect(defines('    settleWithin(checks, 5, socket)\n      .then(outcome => {\n        done();', 'settleWithin')).toBe(false);
  });
});
