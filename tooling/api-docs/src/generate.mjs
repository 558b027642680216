// Generates the API reference of the publishable packages with typedoc (and its own typescript 5.9.3: typescript 7,
// which builds the repository, has no compiler API). Usage: node src/generate.mjs [--out <dir>] [--json <file>]
// Default output: docs/api/ at the repository root. Exits 1 on any typedoc warning or error, so a broken doc comment,
// an unresolved {@link} or a public type that references one left out of the reference fails the tests (see
// generate.spec.mjs). Types exported between packages but not meant for users are marked `@internal` in their TSDoc
// and left out (excludeInternal).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Application, Converter, ReflectionKind } from 'typedoc';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
const packageRoot = resolve(here, '..');

/**
 * The public entry points: every `exports` subpath of every package under packages/ and plugins/ that is not private,
 * mapped from its `dist/<name>.d.ts` to `src/<name>.ts`.
 */
export function publicEntryPoints() {
  const entries = [];
  for (const folder of ['packages', 'plugins']) {
    for (const name of readdirSync(join(repoRoot, folder)).sort()) {
      const dir = join(repoRoot, folder, name);
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (manifest.private) continue;
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const types = typeof target === 'string' ? target : target.types;
        if (typeof types !== 'string') throw new Error(`${relative(repoRoot, file)}: exports["${subpath}"] has no types`);
        const source = join(dir, types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
        if (!existsSync(source)) throw new Error(`${relative(repoRoot, file)}: exports["${subpath}"] → ${types}, but ${relative(repoRoot, source)} does not exist`);
        entries.push({ packageName: manifest.name, specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`, source });
      }
    }
  }
  return entries;
}

/** A tsconfig for typedoc: the entry points, and each package name mapped to its source so links cross packages. */
function writeTsconfig(entries) {
  const dir = join(packageRoot, '.generated');
  mkdirSync(dir, { recursive: true });
  const base = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8'));
  const tsconfig = {
    compilerOptions: {
      ...base.compilerOptions,
      composite: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      noEmit: true,
      typeRoots: [join(packageRoot, 'node_modules/@types')],
      paths: Object.fromEntries(entries.map((e) => [e.specifier, [e.source]])),
    },
    files: entries.map((e) => e.source),
  };
  const file = join(dir, 'tsconfig.json');
  writeFileSync(file, `${JSON.stringify(tsconfig, null, 2)}\n`);
  return file;
}

/**
 * Types a public signature names but that are deliberately not exported, per package (keep this short: prefer
 * exporting the type, or `@internal` on the member that needs it).
 */
const INTENTIONALLY_NOT_EXPORTED = {
  // rankGroupCandidates(members, text, groupClassifier?): the runtime passes its group classifier; callers pass two arguments.
  '@bottango/runtime': ['src/group-routing.ts:GroupClassifier'],
};

const CHECKS = { notExported: true, invalidLink: true, invalidPath: true, rewrittenLink: true, notDocumented: false, unusedMergeModuleWith: true };

/**
 * typedoc's checks. Its "referenced but not included" check only looks at types of the project's own package (one
 * package.json); here every package is documented, so that check runs once as each of them.
 */
function validate(app, project, packageNames) {
  const own = project.packageName;
  try {
    app.options.setValue('validation', { ...CHECKS, notExported: false });
    app.validate(project);
    app.options.setValue('validation', { notExported: true, invalidLink: false, invalidPath: false, rewrittenLink: false, notDocumented: false, unusedMergeModuleWith: false });
    for (const name of packageNames) {
      project.packageName = name;
      app.options.setValue('intentionallyNotExported', INTENTIONALLY_NOT_EXPORTED[name] ?? []);
      app.validate(project);
    }
  } finally {
    project.packageName = own;
    app.options.setValue('intentionallyNotExported', []);
    app.options.setValue('validation', CHECKS);
  }
}

export async function generate({ out = join(repoRoot, 'docs/api'), json } = {}) {
  const entries = publicEntryPoints();
  const app = await Application.bootstrap({
    name: 'Bottango API',
    entryPoints: entries.map((e) => e.source),
    entryPointStrategy: 'resolve',
    tsconfig: writeTsconfig(entries),
    readme: 'none',
    excludeInternal: true,
    excludePrivate: true,
    excludeProtected: false,
    excludeExternals: true,
    sort: ['kind', 'alphabetical'],
    treatWarningsAsErrors: true,
    validation: CHECKS,
    githubPages: false,
    disableSources: true,
    logLevel: 'Warn',
  });
  // Modules are named after their package specifier (`@bottango/runtime`) instead of their folder.
  const names = new Map(entries.map((e) => [resolve(e.source), e.specifier]));
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection?.(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const name = file === undefined ? undefined : names.get(resolve(file));
    if (name) reflection.name = name;
  });
  const failed = () => app.logger.hasErrors() || app.logger.hasWarnings();
  const project = await app.convert();
  if (!project || failed()) return { ok: false, app };
  validate(app, project, [...new Set(entries.map((e) => e.packageName))]);
  if (failed()) return { ok: false, app };
  await app.generateDocs(project, out);
  if (json) await app.generateJson(project, json);
  return { ok: !failed(), app, project, entries };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, json: { type: 'string' } } });
  const result = await generate({ ...(values.out ? { out: resolve(values.out) } : {}), ...(values.json ? { json: resolve(values.json) } : {}) });
  if (!result.ok) {
    console.error('api-docs: typedoc reported warnings or errors (above); nothing was written');
    process.exit(1);
  }
  console.log(`api-docs: ${result.entries.length} entry points → ${relative(process.cwd(), values.out ? resolve(values.out) : join(repoRoot, 'docs/api'))}`);
}
