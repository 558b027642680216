import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  // Trained models of the tests (and of the processes they start) go to a temporary folder, not ~/.cache.
  test: { include: ['src/**/*.spec.ts'], testTimeout: 30_000, env: { BOTTANGO_CACHE_DIR: join(tmpdir(), 'bottango-test-cache') } },
});
