import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/fake-io.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const EDGE_BOTS = join(ROOT, 'scenarios/edge-bots');

async function runWith(...options: string[]): Promise<{ code: number; events: { type: string; [k: string]: unknown }[]; err: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bottango-run-agents-'));
  const input = join(dir, 'input.txt');
  await writeFile(input, 'both please\n');
  const { code, out, err } = await runCli(['run', '--bots', EDGE_BOTS, '--start', 'router', '--input', input, '--json', ...options], ROOT);
  return { code, err, events: out.trim() === '' ? [] : out.trim().split('\n').map((l) => JSON.parse(l) as { type: string }) };
}

describe('bottango run: agent options', () => {
  it('all agents are online by default: the transfer is delivered', async () => {
    const { code, events } = await runWith();
    expect(code).toBe(0);
    expect(events.filter((e) => e.type === 'transfer')).toHaveLength(1);
  });

  it('--offline <bot>: a transfer to it fails late (no agent available)', async () => {
    const { code, events } = await runWith('--offline', 'receiver');
    expect(code).toBe(0);
    expect(events.filter((e) => e.type === 'transfer')).toHaveLength(0);
    expect(events.find((e) => e.type === 'transfer-failed')).toMatchObject({ stage: 'late', reason: 'no-agent-available' });
  });

  it('--rejecting <bot>: connected, but the transfer is refused', async () => {
    const { events } = await runWith('--rejecting', 'receiver');
    expect(events.filter((e) => e.type === 'transfer')).toHaveLength(0);
    expect(events.find((e) => e.type === 'transfer-failed')).toMatchObject({ stage: 'late' });
  });

  it('a bot that does not exist is a usage error (exit 2) naming the bots', async () => {
    const { code, err } = await runWith('--offline', 'recever');
    expect(code).toBe(2);
    expect(err).toContain('run: --offline recever: no such bot (bots: receiver, router)');
  });
});
