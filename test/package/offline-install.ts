import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectModules = fileURLToPath(new URL('../../node_modules', import.meta.url));

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bin?: string | Record<string, string>;
}

/**
 * Installs `name` into `appModules` as a fresh `npm i` lays it out, without a registry: the
 * package is copied from this project's node_modules (which `npm ci` filled from the lock
 * file), and so is every dependency it resolves to there, at the same place in the tree.
 * Peer dependencies are not followed: a peer a README forgets to list is missing in the app,
 * as it would be for a user. Executables are linked in `.bin`, so `npx tsc` finds its own.
 */
export function installFromProject(name: string, appModules: string, seen = new Set<string>()): void {
  const from = join(projectModules, name);
  if (!existsSync(join(from, 'package.json'))) throw new Error(`${name} is not in the project's node_modules: run npm ci`);
  copyPackage(from, appModules, seen);
}

/** The dependencies of a package already in place (an unpacked tarball), from this project's node_modules. */
export function installDependenciesOf(packageDir: string, appModules: string, seen = new Set<string>()): void {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;
  for (const dependency of Object.keys(manifest.dependencies ?? {})) installFromProject(dependency, appModules, seen);
}

function copyPackage(from: string, appModules: string, seen: Set<string>): void {
  if (seen.has(from)) return;
  seen.add(from);
  const path = relative(projectModules, from);
  const to = join(appModules, path);
  // A package nested in another's node_modules came along with that one.
  if (!existsSync(to)) cpSync(from, to, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as Manifest;
  if (!path.includes(`${sep}node_modules${sep}`)) linkBins(manifest, path, appModules);
  const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
  for (const dependency of new Set([...Object.keys(manifest.dependencies ?? {}), ...optional])) {
    const found = resolvePackage(dependency, from);
    if (found) copyPackage(found, appModules, seen);
    else if (!optional.has(dependency)) throw new Error(`${manifest.name} depends on ${dependency}, which the project does not have`);
  }
}

/** Where Node finds `name` from `dir`: its own node_modules, then each parent's, up to the project's. */
function resolvePackage(name: string, dir: string): string | undefined {
  for (let current = dir; current.startsWith(projectModules + sep); current = dirname(current)) {
    const candidate = join(current, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  const top = join(projectModules, name);
  return existsSync(join(top, 'package.json')) ? top : undefined;
}

function linkBins(manifest: Manifest, path: string, appModules: string): void {
  if (!manifest.bin) return;
  const bins = typeof manifest.bin === 'string' ? { [manifest.name.split('/').pop()!]: manifest.bin } : manifest.bin;
  mkdirSync(join(appModules, '.bin'), { recursive: true });
  for (const [command, file] of Object.entries(bins)) {
    const link = join(appModules, '.bin', command);
    if (!existsSync(link)) symlinkSync(join('..', path, file), link);
  }
}
