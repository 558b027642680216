import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBotDirectory, loadProjectConfig, parseBotDefinition, type DefinitionProblem } from './index.js';
import { decodeDefinitionText, firstInvalidUtf8, MAX_DEFINITION_FILE_BYTES } from './read-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottango-bad-input-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BOT = `id: ok
dialogs:
  - name: Hi
    starter: { patterns: [hi] }
    interactions: [Hello!]
`;

/** Nine levels of nine aliases each: 9^9 (387 million) strings once expanded. */
function aliasBomb(): string {
  const lines = ['id: bomb', 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level <= 8; level++) lines.push(`l${level}: &l${level} [${Array.from({ length: 9 }, () => `*l${level - 1}`).join(', ')}]`);
  lines.push('dialogs: *l8', '');
  return lines.join('\n');
}

function problemsOf(error: unknown, code: BottangoErrorCode = BottangoErrorCode.InvalidDefinition): DefinitionProblem[] {
  expect(BottangoError.is(error, code)).toBe(true);
  return (error as BottangoError).details?.['problems'] as DefinitionProblem[];
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('a YAML alias bomb', () => {
  it('is a problem of the file, with the line of its first alias, from parseBotDefinition', () => {
    const started = performance.now();
    const problems = problemsOf(thrownBy(() => parseBotDefinition(aliasBomb(), 'bots/bomb.yaml')));
    expect(problems).toEqual([{ file: 'bots/bomb.yaml', path: '', line: 3, message: expect.stringContaining('YAML aliases (*name) expand to too much data') }]);
    expect(performance.now() - started).toBeLessThan(5_000); // it stops early instead of expanding
  });

  it('keeps aliases that expand to little working', () => {
    const anchored = `id: ok
dialogs:
  - name: Hi
    starter: &s { patterns: [hi] }
    interactions: &i [Hello!]
  - name: Hi again
    starter: { patterns: [hi again] }
    interactions: *i
`;
    expect(parseBotDefinition(anchored, 'ok.yaml').dialogs[1]!.interactions).toHaveLength(1);
  });
});

describe('file size', () => {
  it('refuses text over the limit in parseBotDefinition, naming the size and the limit', () => {
    const text = `${BOT}# ${'x'.repeat(MAX_DEFINITION_FILE_BYTES)}\n`;
    const problems = problemsOf(thrownBy(() => parseBotDefinition(text, 'big.yaml')));
    expect(problems).toEqual([{ file: 'big.yaml', path: '', message: `the file is ${(text.length).toLocaleString('en-US')} bytes; a bot file may hold at most 1,048,576 bytes` }]);
  });
});

describe('strict UTF-8', () => {
  it('finds the first invalid byte as the WHATWG decoder does', () => {
    const cases: number[][] = [
      [0x61, 0xe9, 0x0a], // Latin-1 é
      [0xc0, 0xaf], // overlong
      [0xe0, 0x80, 0x80], // overlong
      [0xed, 0xa0, 0x80], // surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xf5, 0x80],
      [0x61, 0x62, 0xe2, 0x82], // truncated €
      [0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0x80], // € 😀 then a stray continuation byte
    ];
    for (const bytes of cases) {
      const array = Uint8Array.from(bytes);
      const offset = firstInvalidUtf8(array);
      expect(offset).toBeLessThan(array.length);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(array.subarray(0, offset))).not.toThrow();
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(array)).toThrow();
    }
    expect(firstInvalidUtf8(new TextEncoder().encode('héllo € 😀 مرحبا'))).toBe(new TextEncoder().encode('héllo € 😀 مرحبا').length);
  });

  it('reports the byte offset and line, and drops a BOM', () => {
    const bytes = Buffer.concat([Buffer.from('id: ok\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    expect(decodeDefinitionText(bytes, 'a.yaml')).toEqual({
      problem: { file: 'a.yaml', path: '', line: 2, message: 'the file is not valid UTF-8: invalid byte sequence at byte offset 16 (e9 0a); save the file as UTF-8' },
    });
    expect(decodeDefinitionText(Buffer.from('\uFEFFid: ok\n'), 'b.yaml')).toEqual({ text: 'id: ok\n' });
  });
});

describe('loadBotDirectory under bad input', () => {
  it('lists an alias bomb, an oversized file and invalid UTF-8 together, each with its file', async () => {
    await writeFile(join(dir, 'ok.yaml'), BOT);
    await writeFile(join(dir, 'bomb.yaml'), aliasBomb());
    await writeFile(join(dir, 'big.yaml'), `${BOT}# ${'x'.repeat(MAX_DEFINITION_FILE_BYTES)}\n`);
    await writeFile(join(dir, 'latin1.yaml'), Buffer.concat([Buffer.from(BOT.replace('id: ok', 'id: other')), Buffer.from([0xe9, 0x0a])]));
    const started = performance.now();
    const problems = problemsOf(await rejectionOf(loadBotDirectory(dir)));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(problems).toEqual([
      { file: join(dir, 'big.yaml'), path: '', message: `the file is ${(BOT.length + MAX_DEFINITION_FILE_BYTES + 3).toLocaleString('en-US')} bytes; a bot file may hold at most 1,048,576 bytes` },
      { file: join(dir, 'bomb.yaml'), path: '', line: 3, message: expect.stringContaining('YAML aliases (*name) expand to too much data') },
      { file: join(dir, 'latin1.yaml'), path: '', line: 6, message: `the file is not valid UTF-8: invalid byte sequence at byte offset ${BOT.length + 3} (e9 0a); save the file as UTF-8` },
    ]);
  });

  it('reads a file of exactly the limit', async () => {
    const text = `${BOT}#${' '.repeat(MAX_DEFINITION_FILE_BYTES - BOT.length - 2)}\n`;
    expect(Buffer.byteLength(text)).toBe(MAX_DEFINITION_FILE_BYTES);
    await writeFile(join(dir, 'ok.yaml'), text);
    expect((await loadBotDirectory(dir)).bots.map((bot) => bot.id)).toEqual(['ok']);
  });

  it('reports a groups file with the same problems', async () => {
    await writeFile(join(dir, 'ok.yaml'), BOT);
    await writeFile(join(dir, 'groups.yaml'), Buffer.from([0x67, 0x72, 0x6f, 0x75, 0x70, 0x73, 0x3a, 0x20, 0xff, 0x0a]));
    expect(problemsOf(await rejectionOf(loadBotDirectory(dir)))).toEqual([
      { file: join(dir, 'groups.yaml'), path: '', line: 1, message: 'the file is not valid UTF-8: invalid byte sequence at byte offset 8 (ff 0a); save the file as UTF-8' },
    ]);
  });
});

describe('the project file under bad input', () => {
  it('reports an alias bomb and an oversized file with the file name', async () => {
    const file = join(dir, 'bottango.config.yaml');
    await writeFile(file, aliasBomb().replace('id: bomb', 'bots: ./bots').replace('dialogs: *l8', 'transportOptions: { x: *l8 }'));
    expect(problemsOf(await rejectionOf(loadProjectConfig({ cwd: dir })), BottangoErrorCode.InvalidConfiguration)).toEqual([
      { file, path: '', line: 3, message: expect.stringContaining('YAML aliases (*name) expand to too much data') },
    ]);
    await writeFile(file, `bots: ./bots\n# ${'x'.repeat(MAX_DEFINITION_FILE_BYTES)}\n`);
    expect(problemsOf(await rejectionOf(loadProjectConfig({ cwd: dir })), BottangoErrorCode.InvalidConfiguration)).toEqual([
      { file, path: '', message: `the file is ${(MAX_DEFINITION_FILE_BYTES + 16).toLocaleString('en-US')} bytes; a project file may hold at most 1,048,576 bytes` },
    ]);
  });
});
