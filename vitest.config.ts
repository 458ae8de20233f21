import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

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
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts', 'sample/**/*.e2e-spec.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    setupFiles: ['reflect-metadata'],
  },
});
