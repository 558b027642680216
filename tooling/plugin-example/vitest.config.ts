import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The spec files are outside tsconfig.json's include, so vitest is told about the decorators itself.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: { include: ['src/**/*.spec.ts'] },
});
