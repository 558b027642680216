import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Models the examples train go to a temporary folder, not ~/.cache.
  test: { include: ['src/**/*.spec.ts'], testTimeout: 60_000, hookTimeout: 30_000, env: { BOTTANGO_CACHE_DIR: join(tmpdir(), 'bottango-test-cache') } },
});
