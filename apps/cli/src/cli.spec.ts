import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqliteConversationStateStore } from '@bottango/store-sqlite';
import { runCli } from './testing/fake-io.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO_BOTS = join(ROOT, 'apps/demo/bots');

function cli(args: string[], input?: string): Promise<{ code: number; out: string; err: string }> {
  return runCli(args, ROOT, input);
}

describe('bottango test', () => {
  it('passes every shipped scenario file', async () => {
    const files = (await readdir(join(ROOT, 'scenarios'))).filter((f) => f.endsWith('.yaml')).map((f) => join('scenarios', f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const { code, out } = await cli(['test', ...files]);
    expect(out).toMatch(/\n(\d+) passed, 0 failed\n$/);
    expect(code).toBe(0);
  }, 120_000);

  it('fails, with the turn and the events, when an expectation is not met', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottango-scenario-'));
    const file = join(dir, 'wrong.yaml');
    await writeFile(
      file,
      `bots: ${DEMO_BOTS}\nstart: concierge\nscenarios:\n  - name: wrong receiver\n    turns:\n      - user: I want a refund\n        expect:\n          - transfer: { to: tech }\n`,
    );
    const { code, out } = await cli(['test', file]);
    expect(code).toBe(1);
    expect(out).toContain('turn 1 ("I want a refund"): expected transfer {"to":"tech"}');
    expect(out).toMatch(/0 passed, 1 failed\n$/);
  }, 60_000);

  it('reports a malformed scenario with file and path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottango-scenario-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, `bots: ${DEMO_BOTS}\nstart: concierge\nscenarios:\n  - name: typo\n    turns:\n      - user: hi\n        expect:\n          - sayz: { bot: concierge }\n`);
    const { code, err } = await cli(['test', file]);
    expect(code).toBe(2);
    expect(err).toContain(`${file}: scenarios[0].turns[0].expect[0].sayz: unknown expectation`);
  });
});

describe('bottango run --json', () => {
  it('prints one JSON event per line, with every transfer and its context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottango-run-'));
    const input = join(dir, 'input.txt');
    await writeFile(input, 'hello\nI want a refund\nA-1\n');
    const { code, out } = await cli(['run', '--bots', DEMO_BOTS, '--input', input, '--start', 'concierge', '--json']);
    expect(code).toBe(0);
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    const transfers = events.filter((e) => e.type === 'transfer');
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ fromBotId: 'concierge', toSkill: 'billing', toBotId: 'billing', context: { intentId: 'billing.refund' } });
    expect(events.filter((e) => e.type === 'user-message').map((e) => e.text)).toEqual(['hello', 'I want a refund', 'A-1']);
  }, 60_000);

  it('says what is missing on bad usage, with exit code 2', async () => {
    const { code, err } = await cli(['run', '--bots', DEMO_BOTS]);
    expect(code).toBe(2);
    expect(err).toContain('--input <file> is required');
  });

  it('names the file when the input cannot be read', async () => {
    const { code, err } = await cli(['run', '--bots', DEMO_BOTS, '--input', 'no/such/file.txt']);
    expect(code).toBe(2);
    expect(err).toContain('no/such/file.txt: ENOENT');
  });

  it('rejects an unknown store setting before any conversation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottango-run-'));
    const input = join(dir, 'input.txt');
    await writeFile(input, 'hello\n');
    const { code, err } = await cli(['run', '--bots', DEMO_BOTS, '--input', input, '--store', 'postgres://x']);
    expect(code).toBe(2);
    expect(err).toContain('store "postgres://x" is not understood');
  });

  it('rejects an unknown --state setting, naming the option', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottango-run-'));
    const input = join(dir, 'input.txt');
    await writeFile(input, 'hello\n');
    const { code, err } = await cli(['run', '--bots', DEMO_BOTS, '--input', input, '--state', 'postgres://x']);
    expect(code).toBe(2);
    expect(err).toContain('state "postgres://x" is not understood');
  });

  it('keeps the conversation state where --state says, apart from the --store file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottango-run-'));
    const input = join(dir, 'input.txt');
    await writeFile(input, 'hello\nI want a refund\n');
    const [contextFile, stateFile] = [join(dir, 'context.sqlite'), join(dir, 'states.sqlite')];
    const { code, out } = await cli(['run', '--bots', DEMO_BOTS, '--input', input, '--start', 'concierge', '--json', '--store', `sqlite:${contextFile}`, '--state', `sqlite:${stateFile}`]);
    expect(code).toBe(0);
    const conversationId = (JSON.parse(out.split('\n')[0] as string) as { conversationId: string }).conversationId;
    const states = new SqliteConversationStateStore({ path: stateFile });
    expect(await states.load(conversationId)).toMatchObject({ ownerBotId: 'billing', turns: 2 });
    await states.close();
    const context = new SqliteConversationStateStore({ path: contextFile });
    expect(await context.load(conversationId)).toBeUndefined();
    await context.close();
  });
});

describe('bad bot files', () => {
  it('lists every problem with file, line, path and what is wrong, and runs nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottango-bots-'));
    await writeFile(
      join(dir, 'a.yaml'),
      'id: a\nskills: [sales]\ndialogs:\n  - name: Loop\n    starter: { patterns: ["go"] }\n    interactions:\n      - transfer: { skill: sales, tangoContext: true }\n  - name: Bad\n    starter: { intent: nope, patterns: ["(unclosed"] }\n    interactions:\n      - text: hi\n',
    );
    const input = join(dir, 'in.txt');
    await writeFile(input, 'go\n');
    const { code, out, err } = await cli(['run', '--bots', dir, '--input', input]);
    expect(code).toBe(2);
    expect(out).toBe('');
    const file = join(dir, 'a.yaml');
    expect(err).toContain(`${file}:7:9 dialogs[0].interactions[0].transfer.message: transfer has no message`);
    expect(err).toContain(`${file}:7:21 dialogs[0].interactions[0].transfer.skill: transfer to skill 'sales', which bot 'a' holds itself`);
    expect(err).toContain(`${file}:9:16 dialogs[1].starter.intent: unknown intent 'nope'`);
    expect(err).toContain(`${file}:9:41 dialogs[1].starter.patterns[0]: invalid pattern "(unclosed": unclosed "(" at position 0`);
  });
});

describe('bottango chat', () => {
  it('handles every piped line in order and exits 0 at the end of the input', async () => {
    const { code, out } = await cli(['chat', '--bots', DEMO_BOTS, '--start', 'concierge'], 'hello\nI want a refund\nA-7\n/offline tech\n');
    expect(code).toBe(0);
    expect(out).toContain('⇢ transfer concierge → billing (skill billing), Tango Context: { intentId=billing.refund }');
    expect(out).toContain('billing [Refund]: Done: the refund for order A-7 is on its way');
    expect(out).toContain('tech is offline');
  }, 60_000);

  it('asks for --start when the directory has several bots', async () => {
    const { code, err } = await cli(['chat', '--bots', DEMO_BOTS]);
    expect(code).toBe(2);
    expect(err).toContain('4 bots (billing, concierge, human-desk, tech); name the one that answers first with --start <bot>');
  }, 60_000);
});

describe('bottango agent', () => {
  it.each([
    [['agent', '--bot', 'billing', '--transport', 'redis://127.0.0.1:6379'], 'agent: --bots <dir> is required'],
    [['agent', '--bots', DEMO_BOTS, '--transport', 'redis://127.0.0.1:6379'], 'agent: --bot <id> is required'],
    [['agent', '--bots', DEMO_BOTS, '--bot', 'billing'], 'agent: --transport redis://host:port is required'],
    [['agent', '--bots', DEMO_BOTS, '--bot', 'billing', '--transport', 'memory'], 'agent: --transport redis://host:port is required, got "memory"'],
    [['agent', '--bots', DEMO_BOTS, '--bot', 'billing', '--transport', 'redis://h', '--claim-idle', '0'], 'agent: --claim-idle must be a positive whole number, got "0"'],
    [['agent', '--bots', DEMO_BOTS, '--bot', 'billing', '--transport', 'redis://h', '--crash-at', 'lunch'], 'agent: --crash-at must be one of message-read, message-stored, transfer-read, transfer-stored'],
  ])('refuses %j with a usage error (exit 2) naming what is wrong, before connecting anywhere', async (args, message) => {
    const { code, err } = await cli(args);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('fails with exit 2 naming the Redis URL when the transport cannot be reached', async () => {
    const { code, err } = await cli(['agent', '--bots', DEMO_BOTS, '--bot', 'concierge', '--transport', 'redis://127.0.0.1:1/0']);
    expect(code).toBe(2);
    expect(err).toMatch(/bottango agent: .*redis:\/\/127\.0\.0\.1:1\/0/);
  }, 60_000);
});

describe('bottango --version', () => {
  it('prints the version of @bottango/cli', async () => {
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(join(ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const { code, out } = await cli([flag]);
      expect(out).toBe(`${manifest.version}\n`);
      expect(code).toBe(0);
    }
  });
});
