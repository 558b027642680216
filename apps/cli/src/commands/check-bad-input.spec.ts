import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing/fake-io.js';

// Bot files under bad input: each is a definition problem naming the file (exit 2), never an internal error (exit 70).
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottango-cli-bad-input-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Nine levels of nine aliases: 9^9 strings once expanded. */
function aliasBomb(): string {
  const lines = ['id: bomb', 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level <= 8; level++) lines.push(`l${level}: &l${level} [${Array.from({ length: 9 }, () => `*l${level - 1}`).join(', ')}]`);
  lines.push('dialogs: *l8', '');
  return lines.join('\n');
}

describe('bottango check with bad bot files', () => {
  it('reports a YAML alias bomb with the file and line, exit 2', async () => {
    await writeFile(join(dir, 'bomb.yaml'), aliasBomb());
    const result = await runCli(['check', '--bots', dir], dir);
    expect(result.err).not.toContain('unexpected error');
    expect(result.err).toContain(`${join(dir, 'bomb.yaml')}:3: YAML aliases (*name) expand to too much data`);
    expect(result.code).toBe(2);
  });

  it('reports a pattern over 1,000 characters with the file, line and path, exit 2', async () => {
    const long = `*${'(a|b)'.repeat(300)}*`;
    await writeFile(join(dir, 'long.yaml'), `id: long\ndialogs:\n  - name: Long\n    starter:\n      patterns:\n        - hi\n        - "${long}"\n    interactions: [Hello]\n`);
    const result = await runCli(['check', '--bots', dir], dir);
    expect(result.err).toContain(
      `${join(dir, 'long.yaml')}:7:11 dialogs[0].starter.patterns[1]: invalid pattern "${long.slice(0, 40)}…": the pattern is 1,502 characters; the maximum is 1,000 (split it into several patterns, or use an intent)\n`,
    );
    expect(result.code).toBe(2);
  });

  it('reports a file over the size limit and invalid UTF-8, exit 2', async () => {
    await writeFile(join(dir, 'big.yaml'), `id: big\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await writeFile(join(dir, 'latin1.yaml'), Buffer.concat([Buffer.from('id: latin1\nname: Caf'), Buffer.from([0xe9, 0x0a])]));
    const result = await runCli(['check', '--bots', dir], dir);
    expect(result.err).toContain(`${join(dir, 'big.yaml')}: the file is 2,097,163 bytes; a bot file may hold at most 1,048,576 bytes`);
    expect(result.err).toContain(`${join(dir, 'latin1.yaml')}:2: the file is not valid UTF-8: invalid byte sequence at byte offset 20 (e9 0a)`);
    expect(result.code).toBe(2);
  });
});
