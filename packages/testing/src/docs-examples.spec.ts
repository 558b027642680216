import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The plugin kit's docs show tooling/plugin-example, a package built and tested (contract suites) like any other;
// these tests fail when a doc's code block and the file it shows drift apart.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = 'tooling/plugin-example';

/** Blocks marked `<!-- file: <path from the repository root> -->` on the line before the fence. */
function markedBlocks(doc: string): { line: number; path: string; text: string }[] {
  const lines = readFileSync(`${repoRoot}${doc}`, 'utf8').split('\n');
  const found: { line: number; path: string; text: string }[] = [];
  lines.forEach((line, i) => {
    const marker = /^<!-- file: (\S+) -->$/.exec(line);
    if (!marker || !/^```\w*$/.test(lines[i + 1] ?? '')) return;
    const end = lines.findIndex((l, j) => j > i + 1 && l === '```');
    found.push({ line: i + 2, path: marker[1] as string, text: `${lines.slice(i + 2, end).join('\n')}\n` });
  });
  return found;
}

/**
 * The file as a plugin author writes it: in this repository the example's package.json is private (never published)
 * and takes the @bottango packages from the workspace; the doc shows the ranges an outside project uses.
 */
function asShown(path: string): string {
  const text = readFileSync(`${repoRoot}${path}`, 'utf8');
  return path.endsWith('package.json') ? text.replace('  "private": true,\n', '').replaceAll('"workspace:*"', '"^0.1.0"') : text;
}

const exampleFiles = ['package.json', 'tsconfig.json', 'vitest.config.ts', ...readdirSync(`${repoRoot}${EXAMPLE}/src`, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts')).map((name) => `src/${name}`)].map((name) => `${EXAMPLE}/${name}`);

describe.each([
  ['docs/plugins.md', exampleFiles],
  ['packages/core/README.md', [`${EXAMPLE}/src/keyword-matcher.ts`, `${EXAMPLE}/src/index.ts`]],
])('%s shows the plugin example exactly', (doc, required) => {
  const blocks = markedBlocks(doc);

  it('shows each marked file as it is', () => {
    const drifted = blocks.filter((b) => asShown(b.path) !== b.text).map((b) => `${doc}:${b.line} differs from ${b.path}`);
    expect(drifted).toEqual([]);
  });

  it('shows every file it must', () => {
    const shown = new Set(blocks.map((b) => b.path));
    expect(required.filter((path) => !shown.has(path))).toEqual([]);
  });
});
