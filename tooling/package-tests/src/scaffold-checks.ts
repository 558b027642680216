import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOutput, runCommand, StepFailed, type CommandResult, type Steps } from './runner.js';
import { useTarballs } from './tarball-project.js';

/** One plugin of each kind `bottango new plugin` makes, with what `bottango plugins` must then say it provides. */
const SCAFFOLDS = [
  { kind: 'matcher', name: 'bottango-matcher-keywords', folder: 'bottango-matcher-keywords', provides: 'intent matcher "keywords"', suite: 'IntentMatcher contract: keywords' },
  { kind: 'normalizer', name: '@acme/bottango-normalizer-plain', folder: 'bottango-normalizer-plain', provides: 'text normaliser "plain"', suite: 'TextNormalizer contract: plain' },
  { kind: 'syntax', name: 'bottango-syntax-words', folder: 'bottango-syntax-words', provides: 'pattern syntax "words"', suite: 'StarterPatternSyntax contract: words' },
  { kind: 'store', name: 'bottango-store-map', folder: 'bottango-store-map', provides: 'context store', suite: 'ContextStore contract' },
] as const;

export interface ScaffoldContext {
  readonly steps: Steps;
  readonly log: (line: string) => void;
  readonly work: string;
  /** The user's project, where @bottango/cli is installed. */
  readonly app: string;
  readonly tarballs: ReadonlyMap<string, string>;
  readonly npm: (args: readonly string[], cwd: string) => Promise<CommandResult>;
  readonly npx: (args: readonly string[], cwd: string) => Promise<CommandResult>;
  readonly npmPack: (cwd: string, destination: string) => Promise<string>;
}

/**
 * `bottango new plugin` (the installed CLI) for every kind: the package is scaffolded, installed against the tarballs,
 * built, tested (its contract suites must run) and packed; then all four are installed in the project, listed by
 * `bottango plugins` with their versions, and a bot uses the matcher, the syntax and the store in `bottango run`.
 */
export async function scaffoldChecks({ steps, log, work, app, tarballs, npm, npx, npmPack }: ScaffoldContext): Promise<void> {
  const scaffolds = join(work, 'scaffolds');
  mkdirSync(scaffolds, { recursive: true });
  const bottango = join(app, 'node_modules/.bin/bottango');
  const packed: string[] = [];
  for (const scaffold of SCAFFOLDS) {
    const dir = join(scaffolds, scaffold.folder);
    await steps.run(`new plugin ${scaffold.kind}: bottango new plugin ${scaffold.kind} ${scaffold.name}`, async () => {
      await runCommand(bottango, ['new', 'plugin', scaffold.kind, scaffold.name], { cwd: scaffolds });
      const again = await runCommand(bottango, ['new', 'plugin', scaffold.kind, scaffold.name], { cwd: scaffolds, okCodes: [2] });
      expectOutput(again, [/already exists and is not empty/], 'a second bottango new plugin into the same folder');
    });
    useTarballs(join(dir, 'package.json'), tarballs);
    await steps.run(`new plugin ${scaffold.kind}: npm install, build, test, pack`, async () => {
      await npm(['install'], dir);
      await npm(['run', 'build'], dir);
      const test = await npm(['test', '--', '--reporter=verbose'], dir);
      expectOutput(test, [new RegExp(escape(scaffold.suite)), /Bottango plugin contract: /, /Test Files\s+\d+ passed \(\d+\)/], `${scaffold.name} tests`);
      log(`  ${test.output.match(/Tests\s+.*/)?.[0] ?? ''}`);
      packed.push(await npmPack(dir, join(work, 'tarballs')));
    });
  }

  writeScaffoldedProject(app);
  await steps.run('project: npm install the four scaffolded plugins', () => npm(['install', ...packed], app));
  await steps.run('project: bottango plugins --config scaffolded.config.yaml lists each with its version', async () => {
    const result = await npx(['bottango', 'plugins', '--config', 'scaffolded.config.yaml', '--json'], app);
    const rows = (JSON.parse(result.stdout) as { plugins: { package: string; version: string | null; provides: string[] }[] }).plugins;
    for (const scaffold of SCAFFOLDS) {
      const row = rows.find((r) => r.package === scaffold.name);
      if (row?.version !== '0.1.0' || !row.provides.includes(scaffold.provides)) throw new StepFailed(`bottango plugins: ${scaffold.name} 0.1.0 providing ${scaffold.provides} expected`, result.output);
    }
    if (rows.some((r) => r.provides.includes('memory context store'))) throw new StepFailed('bottango plugins: the scaffolded store should replace the memory context store', result.output);
    log((await npx(['bottango', 'plugins', '--config', 'scaffolded.config.yaml'], app)).stdout.replace(/^/gm, '  ').trimEnd());
  });
  await steps.run('project: bottango run with the scaffolded matcher, syntax and store', async () => {
    writeFileSync(join(app, 'shop-messages.txt'), 'what are your opening hours\nI want to return these shoes\n');
    const result = await npx(['bottango', 'run', '--config', 'scaffolded.config.yaml', '--input', 'shop-messages.txt', '--start', 'shop'], app);
    expectOutput(result, [/shop starts "Hours" by pattern/, /We open at nine\./, /shop starts "Returns" by intent returns/, /Your return label is on its way\./], 'bottango run on the scaffolded plugins');
    log(result.stdout.replace(/^/gm, '  ').trimEnd());
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A second project file in the same folder: the four scaffolded plugins and a bot that uses three of them. */
function writeScaffoldedProject(app: string): void {
  writeFileSync(
    join(app, 'scaffolded.config.yaml'),
    `plugins:\n${SCAFFOLDS.map((s) => `  - package: "${s.name}"\n    options: {}\n`).join('')}defaultIntentMatcher: keywords\nbots: ./shop-bots\n`,
  );
  mkdirSync(join(app, 'shop-bots'), { recursive: true });
  writeFileSync(
    join(app, 'shop-bots/shop.yaml'),
    `id: shop
skills: [shop]
settings:
  intentMatcher: keywords
intents:
  - id: returns
    name: return an item
    phrases:
      - I want to return these shoes
      - how do I send something back
      - return my order
dialogs:
  - name: Hours
    starter:
      patterns:
        - { syntax: words, pattern: "opening|open hours|time" }
    interactions:
      - text: We open at nine.
  - name: Returns
    starter: { intent: returns }
    interactions:
      - text: Your return label is on its way.
        preProcess: |
          await botContext.registerContextNamespace('shop', 3600);
          await botContext.setContextDataForConversation('shop', 'returning', true);
  - name: Fallback
    type: fallback
    interactions:
      - text: Sorry?
`,
  );
}
