import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { expectOutput, runCommand, StepFailed, Steps } from './runner.js';
import { publishablePackages, useTarballs } from './tarball-project.js';
import { scaffoldChecks } from './scaffold-checks.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLE = join(ROOT, 'examples/custom-matcher');
const EXAMPLE_PACKAGE = 'bottango-matcher-fuzzy';

const USAGE = `Usage: node tooling/package-tests/dist/main.js [--keep] [--dir <empty folder>] [--skip-scaffold]
  Packs every publishable workspace package, installs the tarballs in a temporary project outside the workspace, builds
  and tests examples/custom-matcher there, loads it by name through a bottango.config.yaml (bottango plugins, run, test,
  the demo), and scaffolds, builds, tests and loads a plugin of every kind with \`bottango new plugin\`.
  --keep           keep the temporary folder (it is always kept when a step fails)
  --dir <folder>   work in this folder instead of a new one under ${tmpdir()}
  --skip-scaffold  leave out \`bottango new plugin\``;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false }, dir: { type: 'string' }, 'skip-scaffold': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const work = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'bottango-package-tests-'));
  if (work === ROOT || work.startsWith(`${ROOT}/`)) {
    console.error(`package tests: --dir must be outside the workspace (${ROOT}), else node would find the workspace's packages\n${USAGE}`);
    return 2;
  }
  if (values.dir && existsSync(work) && readdirSync(work).length > 0) {
    console.error(`package tests: --dir ${work} is not empty\n${USAGE}`);
    return 2;
  }
  mkdirSync(work, { recursive: true });
  // Models the installed CLI trains stay in the work folder, not in the machine's ~/.cache.
  process.env['BOTTANGO_CACHE_DIR'] = join(work, 'cache');
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const steps = new Steps(log);
  log(`package tests in ${work}`);
  const started = Date.now();
  try {
    const tarballs = await steps.run('pack every publishable workspace package (pnpm pack)', () => packWorkspace(join(work, 'tarballs')));
    log(`  ${[...tarballs.keys()].join(', ')}`);

    // 1. The example, as its authors would work on it: install, build, test, pack.
    const example = join(work, 'custom-matcher');
    cpSync(EXAMPLE, example, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$|\.tgz$/.test(src) });
    useTarballs(join(example, 'package.json'), tarballs);
    await steps.run('example: npm install (Bottango from the tarballs)', () => npm(['install'], example));
    await steps.run('example: npm run build', () => npm(['run', 'build'], example));
    await steps.run('example: npm test', async () => {
      const result = await npm(['test', '--', '--reporter=verbose'], example);
      expectOutput(result, [/IntentMatcher contract: fuzzy/, /Bottango plugin contract: bottango-matcher-fuzzy/, /Test Files\s+\d+ passed \(\d+\)/], 'example tests');
      log(`  ${result.output.match(/Tests\s+.*/)?.[0] ?? ''}`);
    });
    const exampleTarball = await steps.run('example: npm pack', () => npmPack(example, join(work, 'tarballs')));

    // 2. A user's project: installs the CLI and the plugin, names the plugin in bottango.config.yaml.
    const app = join(work, 'app');
    writeProject(app, [EXAMPLE_PACKAGE]);
    useTarballs(join(app, 'package.json'), tarballs, { '@bottango/cli': '*', [EXAMPLE_PACKAGE]: `file:${exampleTarball}` });
    await steps.run('project: npm install @bottango/cli and the example plugin', () => npm(['install'], app));
    await steps.run('project: npx bottango plugins lists the example with its version', async () => {
      const text = await npx(['bottango', 'plugins'], app);
      expectOutput(text, [new RegExp(`${EXAMPLE_PACKAGE} 0\\.1\\.0\\s+intent matcher "fuzzy"`)], 'bottango plugins');
      const json = await npx(['bottango', 'plugins', '--json'], app);
      const rows = (JSON.parse(json.stdout) as { plugins: { package: string; version: string | null; provides: string[] }[] }).plugins;
      const row = rows.find((r) => r.package === EXAMPLE_PACKAGE);
      if (row?.version !== '0.1.0' || !row.provides.includes('intent matcher "fuzzy"')) throw new StepFailed(`bottango plugins --json: ${EXAMPLE_PACKAGE} 0.1.0 providing intent matcher "fuzzy" expected`, json.output);
      log(text.stdout.replace(/^/gm, '  ').trimEnd());
    });
    await steps.run('project: bottango run starts a dialog from a misspelt message (fuzzy matcher)', async () => {
      writeFileSync(join(app, 'messages.txt'), 'can I ordr a piza\n');
      const result = await npx(['bottango', 'run', '--input', 'messages.txt', '--start', 'pizzeria'], app);
      expectOutput(result, [/pizzeria starts "Order" by intent order/, /Which pizza would you like\?/], 'bottango run');
      log(result.stdout.replace(/^/gm, '  ').trimEnd());
    });
    await steps.run('project: a small natural-matcher bot uses the word vectors of the installed @bottango/matcher-natural', async () => {
      mkdirSync(join(app, 'natural-bots'), { recursive: true });
      writeFileSync(join(app, 'natural-bots/shop.yaml'), NATURAL_SHOP_BOT);
      // No training word but "give" and "back": the stems alone score it 0.02, the word vectors (data/word-vectors.bin in
      // the package) bring it to GOOD.
      writeFileSync(join(app, 'refund.txt'), 'the charge was wrong, give it back\n');
      const result = await npx(['bottango', 'run', '--bots', 'natural-bots', '--input', 'refund.txt', '--start', 'shop'], app);
      expectOutput(result, [/shop starts "Refund" by intent refund \(0\.\d+, (GOOD|VERY_GOOD)\)/], 'bottango run (natural)');
      log(result.stdout.replace(/^/gm, '  ').trimEnd());
    });
    await steps.run('project: bottango test runs a scenario through the fuzzy matcher', async () => {
      const result = await npx(['bottango', 'test', 'scenarios/typos.yaml'], app);
      expectOutput(result, [/1 passed/], 'bottango test');
    });
    await steps.run('project: the same from another folder with --config', async () => {
      const elsewhere = join(work, 'elsewhere');
      mkdirSync(elsewhere, { recursive: true });
      const result = await runCommand(join(app, 'node_modules/.bin/bottango'), ['run', '--input', join(app, 'messages.txt'), '--start', 'pizzeria', '--config', join(app, 'bottango.config.yaml')], { cwd: elsewhere });
      expectOutput(result, [/Which pizza would you like\?/], 'bottango run --config');
    });
    await steps.run('demo (apps/demo) with --config: its billing and tech bots on the fuzzy matcher from the project', async () => {
      const demoMain = join(ROOT, 'apps/demo/dist/main.js');
      if (!existsSync(demoMain)) throw new StepFailed(`${demoMain} is missing: build the workspace first (pnpm build)`, '');
      const bots = join(app, 'demo-bots');
      cpSync(join(ROOT, 'apps/demo/bots'), bots, { recursive: true });
      for (const bot of ['billing.yaml', 'tech.yaml']) writeFileSync(join(bots, bot), readFileSync(join(bots, bot), 'utf8').replace(/intentMatcher: natural/, 'intentMatcher: fuzzy'));
      writeFileSync(join(app, 'demo.config.yaml'), `plugins:\n  - ${EXAMPLE_PACKAGE}\nbots: ./demo-bots\n`);
      // The demo is private (not packed): the workspace's build runs, and finds the plugin in the project's node_modules.
      const result = await runCommand('node', [demoMain, '--config', join(app, 'demo.config.yaml')], { cwd: app, env: { DOTENV_CONFIG_QUIET: 'true' } });
      expectOutput(result, [/billing starts "Invoice" by intent billing\.invoice/, /Done\./], 'the demo');
      log(result.stdout.split('\n').filter((line) => /starts ".*" by intent|nothing matched/.test(line)).map((line) => `  ${line.trim()}`).join('\n'));
    });
    await steps.run('project: an unknown plugin option is reported with its path', async () => {
      const bad = join(work, 'bad-options');
      mkdirSync(bad, { recursive: true });
      writeFileSync(join(bad, 'bottango.config.yaml'), `plugins:\n  - package: ${EXAMPLE_PACKAGE}\n    options: { threshold: 3 }\nbots: ${join(app, 'bots')}\n`);
      const result = await runCommand(join(app, 'node_modules/.bin/bottango'), ['plugins', '--config', join(bad, 'bottango.config.yaml')], { cwd: app, okCodes: [2] });
      expectOutput(result, [/options\.threshold/], 'bottango plugins with a bad option');
    });

    // 3. `bottango new plugin` for every kind: scaffold, install, build, test, pack, load by name.
    if (!values['skip-scaffold']) await scaffoldChecks({ steps, log, work, app, tarballs, npm, npx, npmPack });

    log(`\nAll package tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
    for (const t of steps.timings) log(`  ${t.seconds.toFixed(1).padStart(6)} s  ${t.name}`);
    if (!values.keep && !values.dir) rmSync(work, { recursive: true, force: true });
    return 0;
  } catch (error) {
    if (error instanceof StepFailed) {
      log(`\n${error.message}\n──── output ────\n${error.output.trimEnd()}\n────────────────`);
    } else {
      log(`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    log(`The temporary folder is kept for a look: ${work}`);
    return 1;
  }
}

/** `pnpm pack` in every publishable package (pnpm writes `workspace:` ranges as versions); tarball by package name. */
async function packWorkspace(destination: string): Promise<Map<string, string>> {
  mkdirSync(destination, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const pkg of publishablePackages(ROOT)) {
    if (!existsSync(join(pkg.dir, 'dist'))) throw new StepFailed(`${pkg.name} has no dist/: build the workspace first (pnpm build)`, '');
    const result = await runCommand('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir });
    const file = result.stdout.trim().split('\n').pop()?.trim() ?? '';
    if (!file.endsWith('.tgz') || !existsSync(file)) throw new StepFailed(`pnpm pack in ${pkg.dir} printed no tarball path`, result.output);
    tarballs.set(pkg.name, file);
  }
  return tarballs;
}

function npm(args: readonly string[], cwd: string): ReturnType<typeof runCommand> {
  return runCommand('npm', [...args, ...(args[0] === 'install' ? ['--no-audit', '--no-fund', '--loglevel=error'] : [])], { cwd, env: { DOTENV_CONFIG_QUIET: 'true' } });
}

function npx(args: readonly string[], cwd: string): ReturnType<typeof runCommand> {
  return runCommand('npx', ['--no-install', ...args], { cwd, env: { DOTENV_CONFIG_QUIET: 'true' }, timeoutMs: 180_000 });
}

/** `npm pack` of a built project into `destination`; returns the tarball's path. */
async function npmPack(cwd: string, destination: string): Promise<string> {
  const before = new Set(readdirSync(destination));
  const result = await runCommand('npm', ['pack', '--pack-destination', destination, '--json', '--ignore-scripts'], { cwd });
  const [info] = JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as { filename: string }[];
  const file = join(destination, info?.filename ?? '');
  if (!info || before.has(info.filename) || !existsSync(file)) throw new StepFailed(`npm pack in ${cwd} made no new tarball`, result.output);
  return file;
}

/** A user's project folder: a bottango.config.yaml naming `plugins`, one bot on the fuzzy matcher and a scenario. */
/** The demo billing bot's refund and invoice intents, on the natural matcher. */
const NATURAL_SHOP_BOT = `id: shop
name: Shop
skills: [shop]
settings:
  intentMatcher: natural
intents:
  - id: refund
    name: refund
    phrases: [i want a refund, i would like my money back, can you refund my order, please reimburse me, request a refund]
  - id: invoice
    name: invoice
    phrases: [send me a copy of my invoice, where can i find my invoice, email me the invoice, download my bill]
dialogs:
  - name: Refund
    starter: { intent: refund }
    interactions:
      - text: Your refund is on its way.
  - name: Invoice
    starter: { intent: invoice }
    interactions:
      - text: Your invoice is in your mailbox.
`;

function writeProject(dir: string, plugins: readonly string[]): void {
  mkdirSync(join(dir, 'bots'), { recursive: true });
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'my-bottango-project', private: true, type: 'module', dependencies: {} }, null, 2)}\n`);
  writeFileSync(join(dir, 'bottango.config.yaml'), `plugins:\n${plugins.map((p) => `  - ${p}\n`).join('')}defaultIntentMatcher: fuzzy\nbots: ./bots\n`);
  writeFileSync(
    join(dir, 'bots/pizzeria.yaml'),
    `id: pizzeria
name: Pizzeria
skills: [pizza]
settings:
  intentMatcher: fuzzy
intents:
  - id: order
    name: order a pizza
    phrases:
      - I want to order a pizza
      - get me a margherita
      - deliver a pizza to my house
  - id: hours
    name: opening hours
    phrases:
      - when are you open
      - what are your opening hours
      - are you open on sunday
dialogs:
  - name: Order
    starter: { intent: order }
    interactions:
      - text: Which pizza would you like?
  - name: Hours
    starter: { intent: hours }
    interactions:
      - text: We are open from noon to midnight.
  - name: Fallback
    type: fallback
    interactions:
      - text: Sorry, I did not get that.
`,
  );
  writeFileSync(
    join(dir, 'scenarios/typos.yaml'),
    `bots: ../bots
start: pizzeria
scenarios:
  - name: a misspelt question still finds its dialog
    turns:
      - user: are you opn on sundy
        expect:
          - dialog: { bot: pizzeria, name: Hours, by: intent, intent: hours }
          - says: { bot: pizzeria, text: We are open from noon to midnight. }
`,
  );
}

process.exitCode = await main();
