import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioFileSchema, scenarioJsonSchema } from './schema.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROOT = resolve(CLI, '../..');
const SCHEMA_FILE = join(CLI, 'scenario.schema.json');

describe('scenario.schema.json', () => {
  it('is the JSON Schema of the zod schema the loader uses (regenerate: UPDATE_SCENARIO_SCHEMA=1 npx vitest run src/scenarios/schema.spec.ts)', async () => {
    const generated = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCENARIO_SCHEMA === '1') await writeFile(SCHEMA_FILE, generated);
    expect(await readFile(SCHEMA_FILE, 'utf8'), 'apps/cli/scenario.schema.json is out of date: run UPDATE_SCENARIO_SCHEMA=1 npx vitest run src/scenarios/schema.spec.ts in apps/cli').toBe(generated);
  });

  it('describes every key of the file, a scenario and a turn, and offers each event kind', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, unknown>; definitions: Record<string, { properties?: Record<string, unknown>; oneOf?: unknown[] }> };
    expect(Object.keys(schema.properties)).toEqual(['bots', 'start', 'store', 'isolation', 'scenarios']);
    expect(Object.keys(schema.definitions['bottango-scenario-expectation']?.properties ?? {})).toEqual(['says', 'dialog', 'dialogEnded', 'transfer', 'transferFailed', 'fallback', 'disambiguation', 'error', 'userMessage', 'count']);
    expect(Object.keys(schema.definitions['bottango-scenario-forbidden']?.properties ?? {})).toContain('after');
    // Exactly one event kind per entry, for editors too.
    expect(schema.definitions['bottango-scenario-expectation']?.oneOf).toHaveLength(9);
  });

  it('is shipped in the CLI package', async () => {
    const pkg = JSON.parse(await readFile(join(CLI, 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, unknown> };
    expect(pkg.files).toContain('scenario.schema.json');
    expect(pkg.exports['./scenario.schema.json']).toBe('./scenario.schema.json');
  });

  it('is named by every shipped scenario file for editor completion, and each of them is valid', async () => {
    const { parse } = await import('yaml');
    const files = (await readdir(join(ROOT, 'scenarios'))).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const name of files) {
      const text = await readFile(join(ROOT, 'scenarios', name), 'utf8');
      expect(text.split('\n')[0], name).toBe('# yaml-language-server: $schema=../apps/cli/scenario.schema.json');
      expect(scenarioFileSchema.safeParse(parse(text)).success, name).toBe(true);
    }
  });
});

describe("the README's scenario section", () => {
  it('has an example that is a valid scenario file, and names every key of the format', async () => {
    const { parse } = await import('yaml');
    const readme = await readFile(join(CLI, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Scenario files'));
    const example = /```yaml\n(bots:[\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const parsed = scenarioFileSchema.safeParse(parse(example as string));
    expect(parsed.error?.issues ?? []).toEqual([]);
    const keys = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'properties') Object.keys(v as object).forEach((p) => keys.add(p));
          collect(v);
        }
      }
    };
    collect(scenarioJsonSchema());
    const undocumented = [...keys].filter((k) => !section.includes(`\`${k}\``) && !new RegExp(`[\\s{]${k}:`).test(example as string));
    expect(undocumented).toEqual([]);
  });
});
