import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing/fake-io.js';

/**
 * A project folder as an outside team has it: a plugin package in its node_modules (not a dependency of the CLI),
 * a bot using that plugin's matcher, and a bottango.config.yaml naming the plugin.
 */
async function project(config: string | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bottango-project-'));
  const plugin = join(dir, 'node_modules', 'bottango-matcher-echo');
  await mkdir(plugin, { recursive: true });
  await writeFile(join(plugin, 'package.json'), JSON.stringify({ name: 'bottango-matcher-echo', version: '2.5.0', type: 'module', exports: './index.js' }));
  // An intent scores 1 when the text contains its name, else 0. Plain JS: no build, no inversify import needed.
  await writeFile(
    join(plugin, 'index.js'),
    `const matcher = {
  id: 'echo',
  async train(intents) {
    return { classify: (text) => ({ ranked: intents.map((i) => ({ intentId: i.id, score: text.includes(i.name) ? 1 : 0 })).sort((a, b) => b.score - a.score) }) };
  },
};
export const bottangoPlugin = {
  brand: '@bottango/plugin@1',
  name: 'echo matcher',
  createModule: () => ({ id: 987654, load: ({ bind }) => { bind(Symbol.for('@bottango/core/IntentMatcher')).toConstantValue(matcher); } }),
};
`,
  );
  await mkdir(join(dir, 'bots'));
  await writeFile(
    join(dir, 'bots', 'shop.yaml'),
    `id: shop\nname: Shop\nskills: [shop]\nsettings:\n  intentMatcher: echo\nintents:\n  - id: shop.order\n    name: parcel\n    phrases: [where is my parcel]\ndialogs:\n  - name: Order\n    starter: { intent: shop.order }\n    interactions:\n      - text: Your parcel is on its way.\n`,
  );
  if (config !== undefined) await writeFile(join(dir, 'bottango.config.yaml'), config);
  await writeFile(join(dir, 'input.txt'), 'my parcel is late\n');
  return dir;
}

describe('plugins by configuration', () => {
  it('bottango run loads a plugin the project file names, from the project folder', async () => {
    const dir = await project('plugins:\n  - bottango-matcher-echo\nbots: ./bots\n');
    const { code, out, err } = await runCli(['run', '--input', 'input.txt', '--start', 'shop'], dir);
    expect(err).toBe('');
    expect(out).toContain('shop starts "Order" by intent shop.order');
    expect(out).toContain('Your parcel is on its way.');
    expect(code).toBe(0);
  }, 60_000);

  it('--plugin loads it without a project file', async () => {
    const dir = await project(undefined);
    const { code, out } = await runCli(['run', '--bots', 'bots', '--plugin', 'bottango-matcher-echo', '--input', 'input.txt', '--start', 'shop'], dir);
    expect(out).toContain('Your parcel is on its way.');
    expect(code).toBe(0);
  }, 60_000);

  it('without the plugin the bot cannot start, and the error names the matcher', async () => {
    const dir = await project(undefined);
    const { code, err } = await runCli(['run', '--bots', 'bots', '--input', 'input.txt', '--start', 'shop'], dir);
    expect(err).toContain('intent matcher "echo" is not loaded (loaded: natural, compromise)');
    expect(code).toBe(2);
  }, 60_000);

  it('bottango plugins lists the defaults, the project\'s plugin with its version and source, and the bundled ones', async () => {
    const dir = await project('plugins:\n  - bottango-matcher-echo\n');
    const { code, out } = await runCli(['plugins', '--json'], dir);
    expect(code).toBe(0);
    const { project: file, plugins } = JSON.parse(out) as { project: string; plugins: { package: string; version: string; source: string; provides: string[] }[] };
    expect(file).toBe(join(dir, 'bottango.config.yaml'));
    expect(plugins.map((p) => [p.package, p.source, p.provides.join('; ')])).toEqual([
      ['@bottango/matcher-natural', 'default', 'intent matcher "natural"'],
      ['@bottango/matcher-compromise', 'default', 'intent matcher "compromise"; pattern syntax "compromise"; text normaliser "compromise"'],
      ['bottango-matcher-echo', 'bottango.config.yaml:2 plugins[0]', 'intent matcher "echo"'],
      ['@bottango/matcher-pattern', 'bundled', 'pattern syntax "pattern"'],
      ['@bottango/runtime', 'bundled', 'memory context store; memory conversation states; in-process transport'],
    ]);
    expect(plugins.find((p) => p.package === 'bottango-matcher-echo')?.version).toBe('2.5.0');
  }, 60_000);

  it('reports every problem of the project file and of its plugins, and exits 2', async () => {
    const bad = await project('plugins:\n  - Not A Name\nstroe: memory\n');
    const first = await runCli(['plugins'], bad);
    expect(first.code).toBe(2);
    expect(first.err).toContain('bottango.config.yaml:2:5 plugins[0]: is not an npm package name');
    expect(first.err).toContain("bottango.config.yaml:3:1 stroe: unknown key 'stroe', did you mean 'store'?");

    const missing = await project('plugins:\n  - bottango-matcher-echo\n  - bottango-not-installed\n  - package: "@bottango/matcher-natural"\n    options: { epochs: "many" }\n');
    const second = await runCli(['plugins'], missing);
    expect(second.code).toBe(2);
    expect(second.err).toContain('could not load 2 plugin(s)');
    expect(second.err).toContain(`bottango-not-installed (${join(missing, 'bottango.config.yaml')}:3 plugins[1]): package not found (looked in ${missing}`);
    expect(second.err).toMatch(/@bottango\/matcher-natural \(.*plugins\[2\]\):.*epochs/);
  }, 60_000);

  it('bottango eval evaluates a plugin\'s matcher, named by its ID or by its package', async () => {
    const dir = await project(undefined);
    const rows = [['where is my parcel', 'parcel', 'train'], ['track parcel', 'parcel', 'test'], ['refund please', 'refund', 'train'], ['i want a refund', 'refund', 'test']];
    await writeFile(join(dir, 'tiny.jsonl'), rows.map(([text, intent, split]) => JSON.stringify({ text, intent, split })).join('\n'));
    for (const args of [['--plugin', 'bottango-matcher-echo', '--matcher', 'echo'], ['--matcher', 'bottango-matcher-echo']]) {
      const { code, out, err } = await runCli(['eval', '--dataset', 'tiny.jsonl', '--json', ...args], dir);
      expect(err).toBe('');
      const report = JSON.parse(out) as { matcher: string; accuracy: number };
      expect(report.matcher).toBe('echo');
      expect(report.accuracy).toBe(1);
      expect(code).toBe(0);
    }
  }, 60_000);

  it('trained models go to --cache-dir, else the project file\'s cacheDir', async () => {
    const demoBots = join(dirname(fileURLToPath(import.meta.url)), '../../demo/bots');
    const dir = await project(`cacheDir: ./project-cache\nbots: ${demoBots}\n`);
    await writeFile(join(dir, 'wifi.txt'), 'my wifi keeps dropping\n');
    const flag = join(dir, 'flag-cache');
    expect((await runCli(['run', '--cache-dir', 'flag-cache', '--input', 'wifi.txt', '--start', 'concierge'], dir)).code).toBe(0);
    expect((await readdir(join(flag, 'models'))).length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'project-cache'))).toBe(false);
    expect((await runCli(['run', '--input', 'wifi.txt', '--start', 'concierge'], dir)).code).toBe(0);
    expect((await readdir(join(dir, 'project-cache', 'models'))).length).toBeGreaterThan(0);
  }, 120_000);

  it('a cache folder that cannot be created is a start-up error naming it (exit 2), not a crash', async () => {
    const dir = await project('plugins: [bottango-matcher-echo]\nbots: ./bots\n');
    const { code, err } = await runCli(['run', '--cache-dir', 'input.txt/cache', '--input', 'input.txt', '--start', 'shop'], dir);
    expect(err).toContain(`the cache folder ${join(dir, 'input.txt/cache/models')} cannot be created (ENOTDIR)`);
    expect(code).toBe(2);
  }, 60_000);

  it.runIf(existsSync('/proc/self'))('a cache folder under /proc is the same start-up error (it used to hang in mkdir)', async () => {
    const dir = await project('plugins: [bottango-matcher-echo]\nbots: ./bots\n');
    const { code, err } = await runCli(['run', '--cache-dir', '/proc/bottango-nope', '--input', 'input.txt', '--start', 'shop'], dir);
    expect(err).toContain('the cache folder /proc/bottango-nope/models cannot be created (ENOENT)');
    expect(code).toBe(2);
  }, 60_000);

  it('a configured store replaces the memory one, and a file path in the project file is relative to it', async () => {
    const dir = await project('plugins: [bottango-matcher-echo]\nbots: bots\nstore: sqlite:data.sqlite\n');
    const { code } = await runCli(['run', '--config', join(dir, 'bottango.config.yaml'), '--input', '../input.txt', '--start', 'shop', '--json'], join(dir, 'bots'));
    expect(code).toBe(0);
    expect(existsSync(join(dir, 'data.sqlite'))).toBe(true);
  }, 60_000);
});
