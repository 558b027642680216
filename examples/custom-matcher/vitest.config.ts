import { defineConfig } from 'vitest/config';

// The package's tsconfig leaves the specs out of `dist`, so vitest is told about inversify's legacy decorators here.
export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: { include: ['src/**/*.spec.ts'] },
});
