import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BottangoError } from '@bottango/core';
import { loadProjectConfig, parseProjectConfig } from './project-config.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(BottangoError.is(error, 'INVALID_CONFIGURATION')).toBe(true);
    return ((error as BottangoError).details as { problems: { line?: number; path: string; message: string }[] }).problems.map((p) => `${p.line ?? '-'} ${p.path}: ${p.message}`);
  }
  throw new Error('expected the project file to be refused');
}

describe('project file', () => {
  it('reads plugins (by name, or with options), settings, and makes paths relative to the file', () => {
    const config = parseProjectConfig(
      ['plugins:', '  - bottango-matcher-fuzzy', '  - package: "@bottango/matcher-natural"', '    options: { epochs: 12 }', 'bots: ./bots', 'defaultIntentMatcher: fuzzy', 'store: sqlite:data/ctx.sqlite', 'state: memory', 'cacheDir: .cache'].join('\n'),
      '/proj/bottango.config.yaml',
    );
    expect(config).toEqual({
      file: '/proj/bottango.config.yaml',
      dir: '/proj',
      plugins: [
        { package: 'bottango-matcher-fuzzy', declaredIn: '/proj/bottango.config.yaml:2 plugins[0]' },
        { package: '@bottango/matcher-natural', options: { epochs: 12 }, declaredIn: '/proj/bottango.config.yaml:3 plugins[1]' },
      ],
      bots: '/proj/bots',
      defaultIntentMatcher: 'fuzzy',
      store: 'sqlite:/proj/data/ctx.sqlite',
      state: 'memory',
      cacheDir: '/proj/.cache',
    });
  });

  it('reports every problem together, each with its line and field', () => {
    const text = ['plugins:', '  - ../my-plugin', '  - package: fuzzy', '    option: {}', '  - fuzzy', 'store: 3', 'botz: ./bots'].join('\n');
    expect(problemsOf(() => parseProjectConfig(text, 'bottango.config.yaml'))).toEqual([
      expect.stringMatching(/^2 plugins\[0\]: is not an npm package name/),
      "4 plugins[1].option: unknown key 'option', did you mean 'options'?",
      '6 store: expected a string, got the number 3',
      "7 botz: unknown key 'botz', did you mean 'bots'?",
    ]);
    expect(problemsOf(() => parseProjectConfig(['plugins:', '  - fuzzy', '  - package: fuzzy'].join('\n'), 'c.yaml'))).toEqual(['3 plugins[1]: plugin fuzzy is already listed at plugins[0]; list each plugin once']);
    expect(problemsOf(() => parseProjectConfig('plugins: [a', 'c.yaml'))[0]).toMatch(/invalid syntax/);
  });

  it('is looked for in the folder, is optional there, and must exist when named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bottango-project-'));
    expect(await loadProjectConfig({ cwd: dir })).toEqual({ file: undefined, dir, plugins: [] });
    writeFileSync(join(dir, 'bottango.config.yaml'), 'plugins: [bottango-matcher-fuzzy]\n');
    expect((await loadProjectConfig({ cwd: dir })).plugins.map((p) => p.package)).toEqual(['bottango-matcher-fuzzy']);
    await expect(loadProjectConfig({ cwd: dir, file: 'missing.yaml' })).rejects.toThrow(`${join(dir, 'missing.yaml')}: cannot read the project file`);
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from([0x62, 0x6f, 0x74, 0x73, 0x3a, 0x20, 0xe9, 0x0a]));
    await expect(loadProjectConfig({ cwd: dir, file: 'latin1.yaml' })).rejects.toThrow(
      `${join(dir, 'latin1.yaml')}:1: the file is not valid UTF-8: invalid byte sequence at byte offset 6 (e9 0a)`,
    );
  });
});
