import swc from 'unplugin-swc';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const TEST_TIMEOUT = 20_000;

// Nest's injection and class-validator read `design:*` metadata, which only a
// compiler that honours `emitDecoratorMetadata` writes: SWC does, esbuild does not.
export default defineConfig({
  plugins: [
    swc.vite({
      tsconfigFile: './tsconfig.json',
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    }),
  ],
  resolve: {
    // The sample imports the package by name, as a user would; tests run it from source.
    alias: [
      { find: /^nestjs-ws-errors\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
      { find: /^nestjs-ws-errors$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    reporters: ['default', './test/summary.reporter.ts'],
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts', 'sample/**/*.e2e-spec.ts'],
    environment: 'node',
    pool: 'forks',
    // test/hardening/soak.e2e-spec.ts measures heap growth after global.gc(); harmless elsewhere.
    execArgv: ['--expose-gc'],
    maxWorkers: 2,
    testTimeout: TEST_TIMEOUT,
    hookTimeout: TEST_TIMEOUT,
    // test/fixtures/fast-check.setup.ts derives fast-check's time limit from it.
    provide: { testTimeout: TEST_TIMEOUT },
    setupFiles: ['reflect-metadata', './test/fixtures/fast-check.setup.ts'],
  },
});
