import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { redisForTests } from '@bottango/testing/redis';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const DOC = 'docs/runtime.md';
const doc = readFileSync(`${repoRoot}${DOC}`, 'utf8');

interface Block {
  readonly line: number;
  readonly lang: string;
  readonly text: string;
  /** `<!-- file: <path from the repository root> -->` or `<!-- output: <example> -->` on the line before the fence. */
  readonly marker?: { readonly kind: 'file' | 'output'; readonly value: string };
}

/** Every fenced code block of the doc, with the marker comment on the line before it. */
function blocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l === '```');
    if (end < 0) throw new Error(`${DOC}:${i + 1}: the code block is never closed`);
    const marker = /^<!-- (file|output): (\S+) -->$/.exec(lines[i - 1] ?? '');
    found.push({
      line: i + 1,
      lang: open[1] ?? '',
      text: `${lines.slice(i + 1, end).join('\n')}\n`,
      ...(marker ? { marker: { kind: marker[1] as 'file' | 'output', value: marker[2] as string } } : {}),
    });
    i = end;
  }
  return found;
}

const all = blocks(doc);
const examples = readdirSync(`${packageDir}src`).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'));
/** Examples that print nothing worth checking (their lines are in the doc as code only). */
const runnable = examples.filter((name) => name !== 'bots.ts');

describe(`${DOC} shows the examples exactly`, () => {
  it('has a file marker on every TypeScript, YAML and JSON block, and an output marker on every text block', () => {
    const unmarked = all.filter((b) => (['ts', 'typescript', 'js', 'javascript', 'yaml', 'yml', 'json'].includes(b.lang) && b.marker?.kind !== 'file') || (b.lang === 'text' && b.marker?.kind !== 'output'));
    expect(unmarked.map((b) => `${DOC}:${b.line} (\`\`\`${b.lang}) has no <!-- file: … --> / <!-- output: … --> marker on the line before it`)).toEqual([]);
  });

  it('shows each marked file exactly as it is in the repository', () => {
    const drifted = all
      .filter((b) => b.marker?.kind === 'file')
      .filter((b) => readFileSync(`${repoRoot}${b.marker!.value}`, 'utf8') !== b.text)
      .map((b) => `${DOC}:${b.line} differs from ${b.marker!.value}: copy the file into the doc (or the block into the file)`);
    expect(drifted).toEqual([]);
  });

  it('shows every example of tooling/docs-examples/src', () => {
    const shown = new Set(all.filter((b) => b.marker?.kind === 'file').map((b) => b.marker!.value));
    expect(examples.filter((name) => !shown.has(`tooling/docs-examples/src/${name}`))).toEqual([]);
  });
});

describe('the examples run and print what the doc says', () => {
  // REDIS_URL when set (CI), else a redis-server of our own, started only for the example that needs it.
  let redis: ReturnType<typeof redisForTests> | undefined;
  afterAll(async () => (await redis)?.stop());

  for (const name of runnable) {
    it(name, async () => {
      const env = { ...process.env, DOTENV_CONFIG_QUIET: 'true' };
      if (name === 'redis.ts') {
        // Its own Redis database, so bots of other tests on a shared server (REDIS_URL) never take its transfers.
        const url = new URL((await (redis ??= redisForTests())).url);
        url.pathname = '/13';
        env['REDIS_URL'] = url.href;
      }
      const script = `dist/${name.replace(/\.ts$/, '.js')}`;
      const { stdout, stderr } = await run(process.execPath, [script], { cwd: packageDir, env, timeout: 60_000 });
      expect(stderr).toBe('');
      const shown = all.find((b) => b.marker?.kind === 'output' && b.marker.value === name);
      expect(shown, `${DOC} has no <!-- output: ${name} --> block; it prints:\n${stdout}`).toBeDefined();
      expect(stdout, `what ${name} prints differs from ${DOC}:${shown?.line}`).toBe(shown?.text);
    });
  }

  it('loads the same bots from the YAML files as bots.ts builds in code', async () => {
    const { stdout: fromCode } = await run(process.execPath, ['dist/bots-in-code.js'], { cwd: packageDir });
    const { stdout: fromFiles } = await run(process.execPath, ['dist/bots-from-files.js'], { cwd: packageDir });
    const conversation = (out: string) => out.split('\n').filter((l) => l.startsWith('you:') || l.startsWith('  ') || /^\w+ \[/.test(l));
    expect(conversation(fromFiles)).toEqual(conversation(fromCode));
  });
});
