/**
 * The files `bottango new plugin <kind> <name>` writes: one package per plugin, built with tsc, tested with vitest
 * against the kind's contract suite from @bottango/testing, loaded by package name from bottango.config.yaml.
 * Every template is here; new.ts only checks the arguments and writes what these return.
 */

export const PLUGIN_KINDS = ['matcher', 'normalizer', 'syntax', 'store'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export interface PluginTemplateInput {
  readonly kind: PluginKind;
  /** The npm package name. */
  readonly packageName: string;
  /** The version range of @bottango packages (e.g. `^0.1.0`): the CLI's own version. */
  readonly bottangoRange: string;
}

/** What each kind implements and how it is named. */
interface KindFacts {
  readonly extensionPoint: string;
  /** Class name suffix. */
  readonly suffix: string;
  readonly file: string;
  /** Words for READMEs: `an intent matcher`. */
  readonly what: string;
  /** What `bottango plugins` says it provides. */
  readonly provides: (id: string) => string;
}

const KINDS: Record<PluginKind, KindFacts> = {
  matcher: { extensionPoint: 'IntentMatcher', suffix: 'IntentMatcher', file: 'intent-matcher', what: 'an intent matcher', provides: (id) => `intent matcher "${id}"` },
  normalizer: { extensionPoint: 'TextNormalizer', suffix: 'Normalizer', file: 'normalizer', what: 'a text normaliser', provides: (id) => `text normaliser "${id}"` },
  syntax: { extensionPoint: 'StarterPatternSyntax', suffix: 'PatternSyntax', file: 'pattern-syntax', what: 'a dialog-starter pattern syntax', provides: (id) => `pattern syntax "${id}"` },
  store: { extensionPoint: 'ContextStore', suffix: 'ContextStore', file: 'context-store', what: 'a Context Session Store', provides: () => 'context store' },
};

/** Third-party versions the generated packages start with (those the Bottango packages are built and tested with). */
const VERSIONS = { inversify: '^8.2.3', reflectMetadata: '^0.2.2', typescript: '^7.0.2', vitest: '^4.1.12', zod: '^4.6.7' } as const;

/** The id a plugin of this package gets: the name without scope, `bottango-` and the kind (`bottango-matcher-fuzzy` → `fuzzy`). */
export function defaultPluginId(kind: PluginKind, packageName: string): string {
  const base = packageName.replace(/^@[^/]+\//, '');
  const stripped = base.replace(/^bottango[-._]?/, '').replace(new RegExp(`^${kind}[-._]?`), '').replace(new RegExp(`[-._]?${kind}$`), '');
  return (stripped || base).toLowerCase();
}

/** The folder `bottango new plugin` creates when none is given: the package name without its scope. */
export function defaultPluginFolder(packageName: string): string {
  return packageName.replace(/^@[^/]+\//, '');
}

/** Every file of the new package, by path relative to its folder. */
export function pluginTemplateFiles(input: PluginTemplateInput): Record<string, string> {
  const facts = KINDS[input.kind];
  const id = defaultPluginId(input.kind, input.packageName);
  const className = `${pascalCase(id)}${facts.suffix}`;
  const t: Names = { ...input, facts, id, className, optionsToken: `${pascalCase(id)}Options` };
  return {
    'package.json': packageJson(t),
    'tsconfig.json': TSCONFIG,
    'vitest.config.ts': VITEST_CONFIG,
    '.gitignore': 'node_modules/\ndist/\n*.tgz\n',
    'README.md': readme(t),
    'src/index.ts': `export { bottangoPlugin, optionsSchema, type PluginOptions } from './plugin.js';\nexport { ${className} } from './${facts.file}.js';\n`,
    'src/plugin.ts': pluginSource(t),
    [`src/${facts.file}.ts`]: IMPLEMENTATIONS[input.kind](t),
    [`src/${facts.file}.spec.ts`]: specSource(t),
  };
}

interface Names extends PluginTemplateInput {
  readonly facts: KindFacts;
  readonly id: string;
  readonly className: string;
  readonly optionsToken: string;
}

function pascalCase(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z]/.test(name) ? name : `X${name}`;
}

function packageJson(t: Names): string {
  const manifest = {
    name: t.packageName,
    version: '0.1.0',
    description: `${capitalise(t.facts.what)} (${t.facts.provides(t.id)}) for Bottango.`,
    type: 'module',
    license: 'MIT',
    keywords: ['bottango', 'bottango-plugin', `bottango-${t.kind}`],
    engines: { node: '>=20.11' },
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist', '!dist/**/*.spec.*', 'README.md'],
    scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run', prepack: 'npm run build' },
    dependencies: { zod: VERSIONS.zod },
    peerDependencies: { '@bottango/core': t.bottangoRange, inversify: VERSIONS.inversify },
    devDependencies: {
      '@bottango/core': t.bottangoRange,
      '@bottango/runtime': t.bottangoRange,
      '@bottango/testing': t.bottangoRange,
      inversify: VERSIONS.inversify,
      'reflect-metadata': VERSIONS.reflectMetadata,
      typescript: VERSIONS.typescript,
      vitest: VERSIONS.vitest,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      declaration: true,
      sourceMap: true,
      skipLibCheck: true,
      types: [],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
    exclude: ['src/**/*.spec.ts'],
  },
  null,
  2,
)}\n`;

const VITEST_CONFIG = `import { defineConfig } from 'vitest/config';

// inversify needs legacy decorators; tsconfig.json leaves the specs out of dist, so vitest is told here.
export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: { include: ['src/**/*.spec.ts'] },
});
`;

/** The options schema and module of each kind (zod 4: a Standard Schema the runtime validates options with). */
function pluginSource(t: Names): string {
  const schema: Record<PluginKind, string> = {
    matcher: `z.strictObject({
  /** The matcher's id: what bots name in \`settings.intentMatcher\`. */
  id: z.string().min(1).default('${t.id}'),
})`,
    normalizer: `z.strictObject({
  /** The normaliser's id. */
  id: z.string().min(1).default('${t.id}'),
})`,
    syntax: `z.strictObject({
  /** The syntax's name: what starter patterns name in \`{ syntax, pattern }\`. */
  syntax: z.string().min(1).default('${t.id}'),
})`,
    store: 'z.strictObject({})',
  };
  const binding =
    t.kind === 'store'
      ? `      bind(${t.className}).toSelf().inSingletonScope();
      bind(ContextStore).toService(${t.className});
      onDeactivation(${t.className}, (store) => store.close());`
      : `      bind(${t.optionsToken}).toConstantValue(options);
      bind(${t.className}).toSelf().inSingletonScope();
      bind<${t.facts.extensionPoint}>(${t.facts.extensionPoint}).toService(${t.className});`;
  const imports =
    t.kind === 'store'
      ? `import { ${t.className} } from './${t.facts.file}.js';`
      : `import { ${t.className}, ${t.optionsToken} } from './${t.facts.file}.js';`;
  return `import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { definePlugin, ${t.facts.extensionPoint} } from '@bottango/core';
${imports}

/** The options under \`options:\` in bottango.config.yaml; the runtime checks them and reports every issue with its path. */
export const optionsSchema = ${schema[t.kind]};

export type PluginOptions = z.output<typeof optionsSchema>;

/** What the runtime imports when bottango.config.yaml lists \`${t.packageName}\` under \`plugins:\`. */
export const bottangoPlugin = definePlugin<PluginOptions>({
  name: '${t.packageName}',
  optionsSchema,
  createModule: (${t.kind === 'store' ? '_options' : 'options'}) =>
    new ContainerModule(({ bind${t.kind === 'store' ? ', onDeactivation' : ''} }) => {
${binding}
    }),
});
`;
}

const IMPLEMENTATIONS: Record<PluginKind, (t: Names) => string> = {
  matcher: (t) => `import { inject, injectable } from 'inversify';
import type { IntentClassification, IntentClassifier, IntentDefinition, IntentMatcher, IntentTrainingOptions } from '@bottango/core';
import type { PluginOptions } from './plugin.js';

/** Token of this plugin's options in the container. */
export const ${t.optionsToken} = Symbol.for('${t.packageName}/options');

const STOP_WORDS = new Set('a an the and or to of in on at for with from is are am be do does can could would will i me my you your it this that please'.split(' '));

/** The distinct content words of a text, lower case. */
function words(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\\p{L}\\p{N}]+/gu) ?? [])].filter((word) => !STOP_WORDS.has(word));
}

/**
 * A minimal intent matcher to start from: an intent's score is the share of the message's words found in its
 * training phrases, each word weighted by how few intents use it (IDF). Out-of-scope intents are scored too but
 * never returned; when one covers a message better, the others lose the difference. Replace it with your own.
 */
@injectable()
export class ${t.className} implements IntentMatcher {
  readonly id: string;

  constructor(@inject(${t.optionsToken}) options: Pick<PluginOptions, 'id'>) {
    this.id = options.id;
  }

  async train(intents: readonly IntentDefinition[], options: IntentTrainingOptions = {}): Promise<IntentClassifier> {
    const outOfScope = new Set(options.outOfScopeIntentIds ?? []);
    const vocabularies = intents.map((intent, index) => {
      options.onProgress?.(index + 1, intents.length);
      return new Set(intent.trainingPhrases.flatMap(words));
    });
    const intentsWith = new Map<string, number>();
    for (const vocabulary of vocabularies) for (const word of vocabulary) intentsWith.set(word, (intentsWith.get(word) ?? 0) + 1);
    // An unknown word weighs as much as the most specific known word.
    const weight = (word: string): number => Math.log(1 + intents.length / (intentsWith.get(word) ?? 1));

    return {
      classify(text: string): IntentClassification {
        const message = words(text);
        const total = message.reduce((sum, word) => sum + weight(word), 0);
        const coverage = vocabularies.map((vocabulary) =>
          total === 0 ? 0 : message.filter((word) => vocabulary.has(word)).reduce((sum, word) => sum + weight(word), 0) / total,
        );
        const outOfScopeBest = Math.max(0, ...coverage.filter((_, k) => outOfScope.has(intents[k]?.id ?? '')));
        const ranked = intents.flatMap((intent, k) => {
          if (outOfScope.has(intent.id)) return [];
          const c = coverage[k] ?? 0;
          return [{ intentId: intent.id, score: Math.round(Math.max(0, c - Math.max(0, outOfScopeBest - c)) * 1e6) / 1e6 }];
        });
        return { ranked: ranked.sort((a, b) => b.score - a.score) };
      },
    };
  }
}
`,
  normalizer: (t) => `import { inject, injectable } from 'inversify';
import type { TextNormalizer } from '@bottango/core';
import type { PluginOptions } from './plugin.js';

/** Token of this plugin's options in the container. */
export const ${t.optionsToken} = Symbol.for('${t.packageName}/options');

/**
 * A minimal text normaliser to start from: lower case, accents and punctuation removed, whitespace collapsed
 * (\`Crème Brûlée, please!\` → \`creme brulee please\`). Replace it with your own.
 */
@injectable()
export class ${t.className} implements TextNormalizer {
  readonly id: string;

  constructor(@inject(${t.optionsToken}) options: Pick<PluginOptions, 'id'>) {
    this.id = options.id;
  }

  normalize(text: string): string {
    return text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\\p{M}+/gu, '')
      .replace(/[^\\p{L}\\p{N}\\s]+/gu, ' ')
      .replace(/\\s+/g, ' ')
      .trim();
  }
}
`,
  syntax: (t) => `import { inject, injectable } from 'inversify';
import { BottangoError, BottangoErrorCode, type CompiledStarterPattern, type StarterPatternSyntax } from '@bottango/core';
import type { PluginOptions } from './plugin.js';

/** Token of this plugin's options in the container. */
export const ${t.optionsToken} = Symbol.for('${t.packageName}/options');

const WORD = /^[\\p{L}\\p{N}'-]+$/u;

/**
 * A minimal pattern syntax to start from: a pattern is words that must all be in the message, in any order, and
 * \`a|b\` accepts either (\`refund order|purchase\` matches "please refund my last purchase"). Case is ignored.
 * Replace it with your own.
 */
@injectable()
export class ${t.className} implements StarterPatternSyntax {
  readonly syntax: string;

  constructor(@inject(${t.optionsToken}) options: Pick<PluginOptions, 'syntax'>) {
    this.syntax = options.syntax;
  }

  compile(pattern: string): CompiledStarterPattern {
    const groups = pattern.toLowerCase().split(/\\s+/).filter(Boolean).map((group) => group.split('|'));
    const bad = groups.flat().find((word) => !WORD.test(word));
    if (groups.length === 0 || bad !== undefined) {
      const problem = bad === undefined ? 'is empty' : \`has \${JSON.stringify(bad)}, which is not a word (letters, digits, ' and -; | between alternatives)\`;
      throw new BottangoError(BottangoErrorCode.InvalidPattern, \`\${this.syntax} pattern \${JSON.stringify(pattern)} \${problem}\`, { details: { pattern } });
    }
    return {
      source: pattern,
      matches(text: string): boolean {
        const words = new Set(text.toLowerCase().match(/[\\p{L}\\p{N}'-]+/gu) ?? []);
        return groups.every((group) => group.some((word) => words.has(word)));
      },
    };
  }
}
`,
  store: (t) => `import { injectable } from 'inversify';
import {
  BottangoError,
  BottangoErrorCode,
  encodeContextValue,
  scopeKey,
  validateNamespaceName,
  validatePropertyName,
  validateScope,
  validateSessionScope,
  validateTtl,
  type ContextScope,
  type ContextStore,
  type ContextStoreCapabilities,
  type JsonValue,
  type NamespaceInfo,
  type NamespaceOptions,
  type SessionScope,
  type SetOptions,
  type StoredValue,
} from '@bottango/core';

interface Entry {
  /** Kept as JSON: every read parses a fresh copy, as a networked store would. */
  readonly json: string;
  readonly version: number;
  /** Milliseconds since the epoch; 0 = never. */
  readonly expiresAt: number;
}

/**
 * A minimal Context Session Store to start from: everything in memory, for one process. Replace the maps with
 * your database; the contract suite (src/${t.facts.file}.spec.ts) says what must still hold.
 */
@injectable()
export class ${t.className} implements ContextStore {
  readonly capabilities: ContextStoreCapabilities = { durable: false, sharedAcrossProcesses: false };
  /** namespace → its TTL in seconds */
  readonly #ttl = new Map<string, number>();
  /** namespace → scope → property → entry */
  readonly #data = new Map<string, Map<string, Map<string, Entry>>>();
  #closed = false;

  async registerNamespace(namespace: string, options: NamespaceOptions = {}): Promise<NamespaceInfo> {
    this.#check(namespace);
    const ttlSeconds = validateTtl(options.ttlSeconds);
    this.#ttl.set(namespace, ttlSeconds);
    if (!this.#data.has(namespace)) this.#data.set(namespace, new Map());
    return { name: namespace, ttlSeconds };
  }

  async getNamespace(namespace: string): Promise<NamespaceInfo | undefined> {
    this.#check(namespace);
    const ttlSeconds = this.#ttl.get(namespace);
    return ttlSeconds === undefined ? undefined : { name: namespace, ttlSeconds };
  }

  async deleteNamespace(namespace: string): Promise<boolean> {
    this.#check(namespace);
    this.#data.delete(namespace);
    return this.#ttl.delete(namespace);
  }

  async get(namespace: string, scope: ContextScope, property: string): Promise<StoredValue | undefined> {
    this.#check(namespace, scope, property);
    const entry = live(this.#properties(namespace, scope, false)?.get(property));
    return entry && { value: JSON.parse(entry.json) as JsonValue, version: entry.version };
  }

  async set(namespace: string, scope: ContextScope, property: string, value: JsonValue, options: SetOptions = {}): Promise<StoredValue> {
    this.#check(namespace, scope, property);
    const json = encodeContextValue(value, \`\${namespace}/\${property}\`);
    const properties = this.#properties(namespace, scope, true);
    const current = live(properties.get(property))?.version ?? 0;
    if (options.expectedVersion !== undefined && options.expectedVersion !== current) {
      throw new BottangoError(BottangoErrorCode.VersionConflict, \`\${namespace}/\${property}: expected version \${options.expectedVersion}, the stored version is \${current}\`, {
        details: { namespace, property, expectedVersion: options.expectedVersion, actualVersion: current },
      });
    }
    const ttlSeconds = this.#ttl.get(namespace) ?? 0;
    properties.set(property, { json, version: current + 1, expiresAt: ttlSeconds > 0 ? Date.now() + ttlSeconds * 1000 : 0 });
    return { value: JSON.parse(json) as JsonValue, version: current + 1 };
  }

  async delete(namespace: string, scope: ContextScope, property: string): Promise<boolean> {
    this.#check(namespace, scope, property);
    const properties = this.#properties(namespace, scope, true);
    const existed = live(properties.get(property)) !== undefined;
    properties.delete(property);
    return existed;
  }

  async getAll(namespace: string, scope: SessionScope): Promise<Record<string, JsonValue>> {
    this.#check(namespace);
    validateSessionScope(scope);
    const result: Record<string, JsonValue> = {};
    for (const [property, entry] of this.#properties(namespace, scope, false) ?? []) if (live(entry)) result[property] = JSON.parse(entry.json) as JsonValue;
    return result;
  }

  async deleteAll(namespace: string, scope: SessionScope): Promise<number> {
    this.#check(namespace);
    validateSessionScope(scope);
    const properties = this.#properties(namespace, scope, true);
    const deleted = [...properties.values()].filter((entry) => live(entry)).length;
    properties.clear();
    return deleted;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#data.clear();
    this.#ttl.clear();
  }

  #check(namespace: string, scope?: ContextScope, property?: string): void {
    if (this.#closed) throw new BottangoError(BottangoErrorCode.StoreClosed, 'the context store is closed');
    validateNamespaceName(namespace);
    if (scope !== undefined) validateScope(scope);
    if (property !== undefined) validatePropertyName(property);
  }

  /** The properties of one scope; for a write the namespace must be registered. */
  #properties(namespace: string, scope: ContextScope, write: true): Map<string, Entry>;
  #properties(namespace: string, scope: ContextScope, write: false): Map<string, Entry> | undefined;
  #properties(namespace: string, scope: ContextScope, write: boolean): Map<string, Entry> | undefined {
    const scopes = this.#data.get(namespace);
    if (scopes === undefined) {
      if (!write) return undefined;
      throw new BottangoError(BottangoErrorCode.NamespaceNotRegistered, \`namespace "\${namespace}" is not registered; call registerNamespace first\`, { details: { namespace } });
    }
    const key = scopeKey(scope);
    let properties = scopes.get(key);
    if (properties === undefined && write) scopes.set(key, (properties = new Map()));
    return properties;
  }
}

function live(entry: Entry | undefined): Entry | undefined {
  return entry !== undefined && (entry.expiresAt === 0 || entry.expiresAt > Date.now()) ? entry : undefined;
}
`,
};

/** The spec: the kind's contract suite and the plugin contract suite from @bottango/testing, and a check of its own. */
function specSource(t: Names): string {
  const options = t.kind === 'store' ? '' : t.kind === 'syntax' ? `{ syntax: '${t.id}' }` : `{ id: '${t.id}' }`;
  const create = `() => new ${t.className}(${options})`;
  const contract: Record<PluginKind, [suite: string, call: string]> = {
    matcher: ['describeIntentMatcherContract', `describeIntentMatcherContract('${t.id}', ${create});`],
    store: ['describeContextStoreContract', `describeContextStoreContract('${t.id}', ${create});`],
    normalizer: [
      'describeTextNormalizerContract',
      `describeTextNormalizerContract('${t.id}', ${create}, {
  examples: [['  Crème  Brûlée, please! ', 'creme brulee please']],
});`,
    ],
    syntax: [
      'describeStarterPatternSyntaxContract',
      `describeStarterPatternSyntaxContract('${t.id}', ${create}, {
  matches: [['refund order|purchase', 'Please refund my last purchase']],
  doesNotMatch: [['refund order|purchase', 'refund please']],
  invalid: ['refund (order'],
});`,
    ],
  };
  const [suite, call] = contract[t.kind];
  const invalid = t.kind === 'store' ? '' : `\n  invalidOptions: [[{ ${t.kind === 'syntax' ? 'syntax' : 'id'}: '' }, '${t.kind === 'syntax' ? 'syntax' : 'id'}']],`;
  return `import { describe, expect, it } from 'vitest';
import { ${t.facts.extensionPoint} } from '@bottango/core';
import { loadPlugins } from '@bottango/runtime';
import { describeBottangoPluginContract, ${suite} } from '@bottango/testing';
import * as pluginExports from './index.js';
import { ${t.className} } from './index.js';

// The behaviour every ${t.facts.extensionPoint} must have.
${call}

// What the runtime needs of a plugin package: the bottangoPlugin export, its options schema, its module.
describeBottangoPluginContract(pluginExports, {
  loadPlugins,
  validOptions: [{}],${invalid}
  provides: [${t.facts.extensionPoint}],
});

describe('bottangoPlugin', () => {
  it('is named after the package (bottango plugins and error messages show this name)', () => {
    expect(pluginExports.bottangoPlugin.name).toBe('${t.packageName}');
  });
});
`;
}

function readme(t: Names): string {
  const usage: Record<PluginKind, string> = {
    matcher: `A bot uses it by its id:

\`\`\`yaml
settings:
  intentMatcher: ${t.id}
\`\`\``,
    normalizer: `It binds a \`TextNormalizer\` with id \`${t.id}\`, for matchers and syntaxes that look normalisers up in the container.`,
    syntax: `Starter patterns use it by name:

\`\`\`yaml
starter:
  patterns:
    - { syntax: ${t.id}, pattern: "refund order|purchase" }
\`\`\``,
    store: 'Loaded, it replaces the in-memory Context Session Store of the runtime (one store per runtime).',
  };
  const optionsText: Record<PluginKind, string> = {
    matcher: `| \`id\` | string | \`${t.id}\` | the matcher's id, named by bots in \`settings.intentMatcher\` |`,
    normalizer: `| \`id\` | string | \`${t.id}\` | the normaliser's id |`,
    syntax: `| \`syntax\` | string | \`${t.id}\` | the syntax's name, used in \`{ syntax, pattern }\` starters |`,
    store: '| (none) | | | unknown options are refused |',
  };
  return `# ${t.packageName}

${capitalise(t.facts.what)} for [Bottango](https://github.com/bottango/bottango): it provides ${t.facts.provides(t.id)}
(the \`${t.facts.extensionPoint}\` extension point of \`@bottango/core\`). Generated by \`bottango new plugin ${t.kind} ${t.packageName}\`:
the implementation in \`src/${t.facts.file}.ts\` is a minimal working one to replace with yours.

## Use it in a Bottango project

\`\`\`sh
npm install ${t.packageName}
\`\`\`

\`bottango.config.yaml\`:

\`\`\`yaml
plugins:
  - package: "${t.packageName}"
    options: {}
\`\`\`

${usage[t.kind]}

\`npx bottango plugins\` shows it, with its version and what it provides.

## Options

| option | type | default | meaning |
| --- | --- | --- | --- |
${optionsText[t.kind]}

The runtime checks them against \`optionsSchema\` (zod) before the plugin is created and reports every problem with its path.

## Develop

\`\`\`sh
npm install
npm run build   # tsc → dist/
npm test        # vitest: the ${t.facts.extensionPoint} and Bottango plugin contract suites of @bottango/testing
npm pack        # the tarball to install in a project (npm install ./${t.packageName.replace(/^@/, '').replace('/', '-')}-0.1.0.tgz)
\`\`\`

\`@bottango/core\` and \`inversify\` are peer dependencies: the project's copies are the ones the runtime uses.
`;
}
