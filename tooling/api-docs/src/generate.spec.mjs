import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, publicEntryPoints } from './generate.mjs';

// The reference generation runs in the tests (so in CI): a doc comment typedoc cannot read, a {@link} to nothing, or a
// public signature naming a type left out of the reference (neither exported nor @internal) fails here.
const out = mkdtempSync(join(tmpdir(), 'bottango-api-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const result = generate({ out });
const page = (path) => readFileSync(join(out, path), 'utf8');

describe('pnpm docs:api', () => {
  it('documents every public entry point with no typedoc warning or error', async () => {
    const { ok, app } = await result;
    expect({ ok, warnings: app.logger.warningCount, errors: app.logger.errorCount }).toEqual({ ok: true, warnings: 0, errors: 0 });
    for (const { specifier } of publicEntryPoints()) {
      expect(existsSync(join(out, 'modules', `${specifier.replace(/[@/]/g, '_')}.html`)), specifier).toBe(true);
    }
  }, 120_000);

  it('covers the publishable packages: core, definitions, runtime, eval, testing and every plugin', () => {
    const names = new Set(publicEntryPoints().map((e) => e.specifier));
    for (const name of ['@bottango/core', '@bottango/definitions', '@bottango/runtime', '@bottango/eval', '@bottango/testing', '@bottango/matcher-natural', '@bottango/store-redis', '@bottango/transport-redis']) {
      expect(names.has(name), name).toBe(true);
    }
  });

  it('shows the typed settings and leaves @internal members out', async () => {
    await result;
    expect(page('types/_bottango_runtime.StoreSetting.html')).toContain('sqlite:');
    expect(page('functions/_bottango_runtime.parseStoreSetting.html')).toContain('INVALID_CONFIGURATION');
    expect(page('classes/_bottango_runtime.BottangoRuntime.html')).not.toContain('RuntimeParts');
    expect(existsSync(join(out, 'functions/_bottango_store-redis.parseRedisUrl.html'))).toBe(false);
  });
});
