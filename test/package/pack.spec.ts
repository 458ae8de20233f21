import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What `npm pack` ships, installed the way npm would (under node_modules), imported by a
 * plain ESM app: the peers resolve from the repository's own node_modules above it.
 */
describe('the packed package', () => {
  let scratch: string;
  let files: string[];

  beforeAll(() => {
    scratch = mkdtempSync(join(root, '.pack-test-'));
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' }));
    files = packed.files.map((file: { path: string }) => file.path);
    const installed = join(scratch, 'node_modules', 'nestjs-ws-errors');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(scratch, packed.filename), '-C', installed, '--strip-components=1']);
  }, 120_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('ships the compiled library with its types and no sources or tests', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/testing/index.js');
    expect(files.filter(file => /^(src|test|sample|bench)\//.test(file))).toEqual([]);
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
