import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPluginId, PLUGIN_KINDS } from '../templates/plugin-templates.js';
import { runCli } from '../testing/fake-io.js';
import { packageNameProblems } from './new.js';

// Building and testing what is generated needs the packages from a registry: tooling/package-tests does that with
// packed tarballs (every kind is scaffolded, built, tested against its contract suites and loaded by name).

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottango-new-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bottango new plugin', () => {
  it.each(PLUGIN_KINDS)('writes a %s package: manifest with peers, tsconfig with legacy decorators, source, contract spec, README', async (kind) => {
    const { code, out } = await runCli(['new', 'plugin', kind, `bottango-${kind}-demo`], dir);
    expect(code).toBe(0);
    expect(out).toContain(`Created bottango-${kind}-demo (${kind} "demo") in bottango-${kind}-demo`);
    const root = join(dir, `bottango-${kind}-demo`);
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest['name']).toBe(`bottango-${kind}-demo`);
    expect(Object.keys(manifest['peerDependencies'] ?? {}).sort()).toEqual(['@bottango/core', 'inversify']);
    expect(manifest['devDependencies']?.['@bottango/testing']).toMatch(/^\^\d+\.\d+\.\d+/);
    const tsconfig = JSON.parse(await readFile(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ experimentalDecorators: true, emitDecoratorMetadata: true });
    const src = await readdir(join(root, 'src'));
    expect(src).toEqual(expect.arrayContaining(['index.ts', 'plugin.ts']));
    const spec = src.find((f) => f.endsWith('.spec.ts')) ?? '';
    const specText = await readFile(join(root, 'src', spec), 'utf8');
    expect(specText).toContain('describeBottangoPluginContract(');
    expect(specText).toMatch(/describe(IntentMatcher|TextNormalizer|StarterPatternSyntax|ContextStore)Contract\(/);
    expect(await readFile(join(root, 'src/plugin.ts'), 'utf8')).toContain(`name: 'bottango-${kind}-demo'`);
    expect(await readFile(join(root, 'README.md'), 'utf8')).toContain(`npm install bottango-${kind}-demo`);
  });

  it('puts a scoped package in a folder named without the scope, or in --dir', async () => {
    expect((await runCli(['new', 'plugin', 'matcher', '@acme/bottango-matcher-x'], dir)).code).toBe(0);
    expect(await readdir(dir)).toEqual(['bottango-matcher-x']);
    expect((await runCli(['new', 'plugin', 'store', 'y', '--dir', 'plugins/y-store'], dir)).code).toBe(0);
    expect(await readdir(join(dir, 'plugins/y-store/src'))).toContain('context-store.ts');
  });

  it('refuses a folder that exists and is not empty, writing nothing', async () => {
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'taken/notes.txt'), 'mine');
    const { code, err } = await runCli(['new', 'plugin', 'matcher', 'taken'], dir);
    expect(code).toBe(2);
    expect(err).toContain('already exists and is not empty; nothing was written');
    expect(await readdir(join(dir, 'taken'))).toEqual(['notes.txt']);
  });

  it('says which file it cannot write (a file in the way, a folder under /proc) instead of crashing or hanging', async () => {
    await writeFile(join(dir, 'file'), 'mine');
    const blocked = await runCli(['new', 'plugin', 'matcher', 'x', '--dir', 'file/x'], dir);
    expect(blocked).toMatchObject({ code: 2 });
    expect(blocked.err).toContain(`bottango new: cannot write ${join(dir, 'file/x')} (ENOTDIR); choose another --dir`);
    if (existsSync('/proc/self')) {
      const proc = await runCli(['new', 'plugin', 'matcher', 'x', '--dir', '/proc/bottango-nope'], dir);
      expect(proc).toMatchObject({ code: 2 });
      expect(proc.err).toContain('cannot write /proc/bottango-nope/');
    }
  });

  it('refuses an unknown kind, a missing name and an invalid package name, with usage', async () => {
    const kind = await runCli(['new', 'plugin', 'widget', 'x'], dir);
    expect(kind).toMatchObject({ code: 2 });
    expect(kind.err).toContain('unknown kind "widget"; use one of matcher, normalizer, syntax, store');
    expect((await runCli(['new', 'plugin', 'matcher'], dir)).err).toContain('the package name is missing');
    expect((await runCli(['new', 'thing'], dir)).err).toContain('cannot create "thing"; only: plugin');
    const bad = await runCli(['new', 'plugin', 'matcher', 'My Plugin'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"My Plugin" is not a valid npm package name: it has capital letters');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('packageNameProblems', () => {
  it('accepts npm names, scoped or not', () => {
    for (const name of ['bottango-matcher-fuzzy', '@acme/bottango-store-dynamo', 'a.b_c~d', 'x1']) expect(packageNameProblems(name), name).toEqual([]);
  });

  it('names what is wrong', () => {
    expect(packageNameProblems('')).toEqual(['is empty']);
    expect(packageNameProblems('.hidden')).toEqual(['has ".hidden" not starting with a letter or digit']);
    // Names npm takes but the plugin loader refuses (it would not load the package made): refused here too.
    for (const [name, part] of [['~foo', '~foo'], ['-foo', '-foo'], ['@-x/y', '-x'], ['@x/~y', '~y']]) {
      expect(packageNameProblems(name), name).toEqual([`has "${part}" not starting with a letter or digit`]);
    }
    expect(packageNameProblems('@acme')).toEqual(['is scoped but not @scope/name']);
    expect(packageNameProblems('a/b')).toEqual(['has characters other than letters, digits, - . _ ~ in "a/b"']);
    expect(packageNameProblems('fs')).toEqual(['is reserved (a Node.js core module or a name npm refuses)']);
    expect(packageNameProblems('x'.repeat(215))).toEqual(['is longer than 214 characters']);
  });
});

describe('defaultPluginId', () => {
  it('drops the scope, bottango- and the kind', () => {
    expect(defaultPluginId('matcher', 'bottango-matcher-fuzzy')).toBe('fuzzy');
    expect(defaultPluginId('store', '@acme/dynamo-store')).toBe('dynamo');
    expect(defaultPluginId('syntax', 'syntax')).toBe('syntax');
  });
});
