import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFolder } from './create-folder.js';

describe('createFolder', () => {
  it('creates every missing level, and accepts a folder that exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'create-folder-'));
    await createFolder(join(dir, 'a', 'b', 'c'));
    expect(existsSync(join(dir, 'a', 'b', 'c'))).toBe(true);
    await createFolder(join(dir, 'a', 'b', 'c'));
    await createFolder(dir);
  });

  it('rejects with ENOTDIR when a file is in the way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'create-folder-'));
    await writeFile(join(dir, 'file'), 'x');
    await expect(createFolder(join(dir, 'file', 'models'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.runIf(existsSync('/proc/self'))('returns an error under /proc, where a recursive mkdir never returns', async () => {
    await expect(createFolder('/proc/bottango-nope/models')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
