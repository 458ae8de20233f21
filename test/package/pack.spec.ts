import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs } from '../../src/testing/index.js';
import { installDependenciesOf, installFromProject } from './offline-install.js';
import { codeBlocks, readmeApp, readmeSection } from '../fixtures/readme-snippets.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

// One `npm pack` for the whole file: it rebuilds dist/, which two packs at once would race on.
let scratch: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  scratch = mkdtempSync(join(root, '.pack-test-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' }));
  tarball = join(scratch, packed.filename);
  files = packed.files.map((file: { path: string }) => file.path);
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function unpack(into: string): void {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', into, '--strip-components=1']);
}

/**
 * What `npm pack` ships, installed the way npm would (under node_modules), imported by a
 * plain ESM app: the peers resolve from the repository's own node_modules above it.
 */
describe('the packed package', () => {
  beforeAll(() => unpack(join(scratch, 'node_modules', 'nestjs-ws-errors')));

  it('ships the compiled library with its types and no sources or tests', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/testing/index.js');
    expect(files.filter(file => /^(src|test|sample|bench)\//.test(file))).toEqual([]);
  });

  it('ships the MIT LICENSE package.json names', () => {
    expect(files).toContain('LICENSE');
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).license).toBe('MIT');
    const license = readFileSync(join(scratch, 'node_modules', 'nestjs-ws-errors', 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} nestjs-ws-errors contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('ships source maps that carry their sources, and none that points at a file it does not ship', () => {
    const installed = join(scratch, 'node_modules', 'nestjs-ws-errors');
    const maps = files.filter(file => file.endsWith('.map'));
    expect(maps).toContain('dist/index.js.map');
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(installed, file), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[]; sourceRoot?: string };
      map.sources.forEach((source, i) => {
        const shipped = existsSync(resolve(dirname(join(installed, file)), map.sourceRoot ?? '', source));
        const carried = typeof map.sourcesContent?.[i] === 'string' && map.sourcesContent[i]!.length > 0;
        expect(shipped || carried, `${file} → ${source}`).toBe(true);
      });
    }
    // The map's source is the library's own, as written.
    const index = JSON.parse(readFileSync(join(installed, 'dist/index.js.map'), 'utf8'));
    expect(index.sourcesContent[0]).toBe(readFileSync(join(root, 'src/index.ts'), 'utf8'));
  });

  it('declares Nest 12 and the validation libraries as peers, and ws through @nestjs/platform-ws', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.type).toBe('module');
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' });
    for (const peer of ['@nestjs/common', '@nestjs/core', '@nestjs/websockets', '@nestjs/platform-ws']) {
      expect(manifest.peerDependencies[peer]).toBe('^12.0.0');
    }
    for (const peer of ['class-validator', 'class-transformer', 'reflect-metadata', 'rxjs']) {
      expect(manifest.peerDependencies[peer]).toBeDefined();
    }
    expect(manifest.dependencies.ws).toBeUndefined();
  });

  it('runs the sample with npm start, as the README says on a fresh clone', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.scripts.start).toBe('npm run start:sample');
    expect(manifest.scripts['start:sample']).toMatch(/node sample\/dist\/main\.js$/);
    expect(codeBlocks(readmeSection('On a fresh clone'), 'bash')).toContain('npm ci && npm start\n');
  });

  // A real process, not a Vitest worker (which turns process.exit into a catchable error):
  // with Nest's default abortOnError, a provider lookup that misses would end it.
  it('starts without WsErrorsModule, in a process with abortOnError on', () => {
    const app = join(scratch, 'no-module.mjs');
    writeFileSync(
      app,
      `
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import { ValidatingWsAdapter } from 'nestjs-ws-errors';
import { connectWs } from 'nestjs-ws-errors/testing';

class Gateway {}
WebSocketGateway({ path: '/bare' })(Gateway);
class AppModule {}
Module({ providers: [Gateway] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
app.useWebSocketAdapter(new ValidatingWsAdapter(app));
await app.listen(0, '127.0.0.1');
const ws = connectWs(app, '/bare');
await ws.opened;
const outcome = await ws.close();
await app.close();
console.log(JSON.stringify(outcome));
`,
    );
    const output = execFileSync(process.execPath, [app], { cwd: scratch, encoding: 'utf8' });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toMatchObject({ kind: 'closed', code: 1000 });
  });

  it('is importable by name from a Nest 12 app, and serves a gateway', () => {
    const app = join(scratch, 'app.mjs');
    writeFileSync(
      app,
      `
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import { ValidatingWsAdapter, WebSocketException, WsStatus, encodeCloseReason, WsErrorsModule } from 'nestjs-ws-errors';
import { connectWs } from 'nestjs-ws-errors/testing';

class Gateway { handleConnection() { throw new WebSocketException(WsStatus.WS_1008_POLICY_VIOLATION, 'packed'); } }
WebSocketGateway({ path: '/packed' })(Gateway);
class AppModule {}
Module({ imports: [WsErrorsModule.forRoot()], providers: [Gateway] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
app.useWebSocketAdapter(new ValidatingWsAdapter(app));
await app.listen(0, '127.0.0.1');
const outcome = await connectWs(app, '/packed').outcome;
await app.close();
console.log(JSON.stringify({ outcome, reason: encodeCloseReason('é'.repeat(100)).length }));
`,
    );
    const output = execFileSync(process.execPath, [app], { cwd: scratch, encoding: 'utf8' });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({
      outcome: { kind: 'closed', code: 1008, reason: 'packed', wasClean: true, allowReconnect: false },
      reason: 61,
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise(done => server.close(done));
  return port;
}

/**
 * The README's Install section followed in an empty folder outside the project: its shell lines
 * run as written, except that `npm i` takes the packed tarball for this package and copies the
 * other packages it names from the project's node_modules (with their dependencies, not their
 * peers; see offline-install.ts), since a registry install inside a test is slow and fails
 * without a network. Then the Quick start's files, taken from the README, compiled with the
 * README's tsconfig by `npx tsc` and run with node, answer a real WebSocket client.
 */
describe("the README's Install and Quick start, followed in an empty folder", () => {
  let app: string;
  let server: ChildProcess | undefined;
  let output = '';
  const installed: string[] = [];

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'nestjs-ws-errors-readme-'));
    const appModules = join(app, 'node_modules');
    const commands = codeBlocks(readmeSection('Install'), 'bash')
      .join('\n')
      .replace(/\\\n\s*/g, '')
      .split(/\n|&&/)
      .map(line => line.trim())
      .filter(Boolean);
    for (const command of commands) {
      if (/^npm (i|install) /.test(command)) {
        // `npm i a b@^1 -D c` → a, b, c
        const names = command.split(/\s+/).slice(2).filter(token => !token.startsWith('-')).map(spec => spec.replace(/(?!^)@.*$/, ''));
        for (const name of names) {
          installed.push(name);
          if (name !== 'nestjs-ws-errors') installFromProject(name, appModules);
          else {
            unpack(join(appModules, name));
            installDependenciesOf(join(appModules, name), appModules);
          }
        }
      } else if (/^npm (init|pkg) /.test(command)) {
        execFileSync('sh', ['-c', command], { cwd: app, stdio: 'pipe' });
      } else {
        throw new Error(`the Install section has a command this test cannot follow: ${command}`);
      }
    }
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill();
      await once(server, 'exit');
    }
    rmSync(app, { recursive: true, force: true });
  }, 60_000);

  it('installs what the Quick start needs: the HTTP platform, the types and TypeScript, as ESM', () => {
    expect(installed).toEqual(
      expect.arrayContaining(['nestjs-ws-errors', '@nestjs/platform-express', '@nestjs/platform-ws', '@types/ws', '@types/node', 'typescript']),
    );
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).type).toBe('module');
  });

  it("compiles the Quick start's files with the README's tsconfig, runs them, and answers with close codes", async () => {
    const [tsconfig] = codeBlocks(readmeSection('Install'), 'json');
    expect(JSON.parse(tsconfig!).compilerOptions).toMatchObject({
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
    });
    writeFileSync(join(app, 'tsconfig.json'), tsconfig!);
    const sources = readmeApp('main.ts');
    expect([...sources.keys()].sort()).toEqual(['app.module.ts', 'gateways.ts', 'main.ts']);
    mkdirSync(join(app, 'src'));
    for (const [name, text] of sources) writeFileSync(join(app, 'src', name), text);

    // `npx tsc`, as the README says; `--no` so that npx may only use the one installed.
    try {
      execFileSync('npx', ['--offline', '--no', 'tsc'], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      throw new Error(`tsc failed on the README's files:\n${(error as { stdout?: string }).stdout}`);
    }

    const port = await freePort();
    server = spawn(process.execPath, ['dist/main.js'], { cwd: app, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', chunk => (output += chunk));
    server.stderr!.on('data', chunk => (output += chunk));
    await new Promise<void>((started, failed) => {
      const timer = setTimeout(() => failed(new Error(`the app did not start within 30 s:\n${output}`)), 30_000);
      server!.once('exit', code => failed(new Error(`the app exited (${code}):\n${output}`)));
      server!.stdout!.on('data', () => {
        if (!output.includes('Nest application successfully started')) return;
        clearTimeout(timer);
        started();
      });
    });

    const base = `ws://127.0.0.1:${port}`;
    const invalid = (await connectWs(base, '/ws?q=abc').outcome) as { kind: string; code: number; reason: string };
    expect(invalid).toMatchObject({ kind: 'closed', code: 1008 });
    expect(JSON.parse(invalid.reason)).toEqual([{ type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' }]);
    expect(await connectWs(base, '/items/foo/ws').outcome).toEqual({ kind: 'closed', code: 1008, reason: 'Session cookie missing', wasClean: true, allowReconnect: false });
    expect(await connectWs(base, '/strict?q=abc').outcome).toMatchObject({ kind: 'closed', code: 1003 });
    const admitted = connectWs(base, '/ws?q=3');
    await admitted.opened;
    expect(await admitted.close()).toMatchObject({ kind: 'closed', code: 1000 });
  }, 120_000);
});
