import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from './demo.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

async function demo(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c: Buffer) => (o += c.toString()));
  err.on('data', (c: Buffer) => (e += c.toString()));
  const code = await runDemo(args, out, err);
  return { code, out: o, err: e };
}

/** The demo's transcript: every case the README promises, in order. */
function expectFullTranscript(out: string): void {
  expect(out).toContain('⇢ transfer concierge → billing (skill billing), Tango Context: { intentId=billing.refund }');
  expect(out).toContain('billing starts "Refund" by Tango Context intent billing.refund after the transfer');
  // Data written by the concierge to the Context Session Store, read by billing after the transfer.
  expect(out).toContain('billing [Refund]: Hi Ada, Billing here. As a gold customer your refund gets priority.');
  expect(out).toContain('⇢ transfer concierge → tech (skill tech), Tango Context: { userMessage="my wifi keeps dropping every few minutes" }');
  expect(out).toContain('⇢ transfer concierge → billing (skill billing), Tango Context: off');
  expect(out).toContain('billing [Invoice]:');
  expect(out).toContain('✗ transfer concierge → skill human failed (late, no-agent-available)');
  expect(out).toContain('concierge [Escalation failed]: Sorry, nobody from our team is available right now.');
}

describe('demo', () => {
  it('prints the whole transcript with the memory store', async () => {
    const { code, out } = await demo([]);
    expect(code).toBe(0);
    expectFullTranscript(out);
  }, 60_000);

  it('runs on a real SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bottango-demo-'));
    try {
      const { code, out } = await demo(['--store', `sqlite:${join(dir, 'context.sqlite')}`]);
      expect(code).toBe(0);
      expect(out).toContain(`context store: sqlite:${join(dir, 'context.sqlite')}`);
      expectFullTranscript(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  describe('on a real Redis server', () => {
    let url = process.env.REDIS_URL;
    const state = mkdtempSync(join(tmpdir(), 'bottango-demo-redis-'));
    beforeAll(() => {
      // Without REDIS_URL, start a throwaway server (fails with an install hint when redis-server is missing).
      url ??= execFileSync('bash', [join(ROOT, 'scripts/redis.sh'), 'start'], { env: { ...process.env, BOTTANGO_REDIS_STATE: state }, encoding: 'utf8' }).trim();
    });
    afterAll(() => {
      if (!process.env.REDIS_URL) execFileSync('bash', [join(ROOT, 'scripts/redis.sh'), 'stop'], { env: { ...process.env, BOTTANGO_REDIS_STATE: state } });
      rmSync(state, { recursive: true, force: true });
    });

    it('hands data from the sender to the receiver through Redis', async () => {
      const { code, out, err } = await demo(['--store', url as string]);
      expect(err).toBe('');
      expect(code).toBe(0);
      expectFullTranscript(out);
    }, 60_000);

    it('fails at start-up, not at the first transfer, when Redis is unreachable', async () => {
      const { code, out, err } = await demo(['--store', 'redis://127.0.0.1:1']);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(/demo: .*127\.0\.0\.1:1/);
    }, 60_000);
  });

  it('rejects an unknown flag with its usage', async () => {
    const { code, err } = await demo(['--stor', 'x']);
    expect(code).toBe(2);
    expect(err).toContain('Usage: pnpm demo [--store');
  });
});
