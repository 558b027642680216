import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BottangoError, BottangoErrorCode, type ConversationEvent } from '@bottango/core';
import type { BottangoRuntime } from '@bottango/runtime';
import { startTestRedisServer, type TestRedisServer } from '@bottango/testing/redis';
import { composeRuntime } from './compose.js';

// Bots as separate processes (`bottango agent`) over a real redis-server; the test process is the front.
const HERE = dirname(fileURLToPath(import.meta.url));
const MAIN = resolve(HERE, '../dist/main.js');
const DEMO_BOTS = resolve(HERE, '../../demo/bots');
const TRANSFER_TIMEOUT_MS = 1_500;
const CLAIM_IDLE_MS = 800;

interface Agent {
  readonly bot: string;
  readonly child: ChildProcess;
  output: string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let tmp: string;
let bots: string;
let redis: TestRedisServer;
let url: string;
let front: BottangoRuntime;
const agents: Agent[] = [];

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (pnpm turbo run build --filter=@bottango/cli...)`);
  tmp = mkdtempSync(join(tmpdir(), 'bottango-cluster-'));
  bots = join(tmp, 'bots');
  cpSync(DEMO_BOTS, bots, { recursive: true, filter: (src) => basename(src) !== '.bottango' });
  redis = await startTestRedisServer({ appendOnly: true });
  url = redis.url;
  front = (await composeRuntime({ botsDir: bots, cwd: tmp, store: url, transport: url, transportOptions: { sendTimeoutMs: 20_000 }, localBots: [] })).runtime;
}, 120_000);

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => stopAgent(a)));
}, 30_000);

afterAll(async () => {
  await front?.close();
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function startAgent(bot: string, ...extra: string[]): Promise<Agent> {
  const args = [MAIN, 'agent', '--bots', bots, '--bot', bot, '--transport', url, '--store', url, '--transfer-timeout', String(TRANSFER_TIMEOUT_MS), '--claim-idle', String(CLAIM_IDLE_MS), ...extra];
  const child = spawn(process.execPath, args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  const agent: Agent = { bot, child, output: '', exit: new Promise((r) => child.once('exit', (code, signal) => r({ code, signal }))) };
  child.stdout?.on('data', (c: Buffer) => (agent.output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (agent.output += c.toString()));
  agents.push(agent);
  const end = Date.now() + 60_000;
  while (!agent.output.includes(`bottango agent: ${bot} ready`)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > end) throw new Error(`agent ${bot} did not start:\n${agent.output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return agent;
}

async function stopAgent(agent: Agent): Promise<void> {
  if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGTERM');
  const timer = setTimeout(() => agent.child.kill('SIGKILL'), 8_000);
  await agent.exit;
  clearTimeout(timer);
}

/** Retries a call that fails while a client reconnects (the state store fails fast instead of queueing). */
async function eventually<T>(call: () => Promise<T>, retryable: (error: unknown) => boolean = () => true): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > end || !retryable(error)) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const ofType = <T extends ConversationEvent['type']>(events: readonly ConversationEvent[], type: T) => events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type);
const said = (events: readonly ConversationEvent[]) => ofType(events, 'bot-message').map((e) => `${e.botId}: ${e.text}`);
const userTexts = (state: { transcript: readonly { from: string; text: string }[] } | undefined) => state?.transcript.filter((t) => t.from === 'user').map((t) => t.text);

describe('bots as separate processes over Redis Streams', () => {
  it('a conversation crosses from the concierge process to the billing process with its Tango Context and Context Session Store data', async () => {
    await startAgent('concierge');
    await startAgent('billing');
    const id = await front.startConversation({ botId: 'concierge', userId: 'ada' });
    const events = await front.send(id, 'I want a refund');
    expect(ofType(events, 'transfer')).toMatchObject([{ fromBotId: 'concierge', toBotId: 'billing', context: { intentId: 'billing.refund' } }]);
    expect(ofType(events, 'dialog-started').filter((e) => e.afterTransfer)).toMatchObject([{ botId: 'billing', dialog: 'Refund', trigger: { by: 'tango-intent', intentId: 'billing.refund' } }]);
    expect(said(events)).toContain('billing: Hi Ada, Billing here. As a gold customer your refund gets priority.');
    expect(said(await front.send(id, 'order 42'))).toEqual(['billing: Done: the refund for order order 42 is on its way (3–5 working days).']);
  }, 60_000);

  it('`bottango chat --transport` is the front: the README session, a transfer crossing the processes on screen', async () => {
    await startAgent('concierge');
    await startAgent('billing');
    const chat = spawn(process.execPath, [MAIN, 'chat', '--bots', bots, '--start', 'concierge', '--transport', url], { cwd: tmp, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    chat.stdout.on('data', (c: Buffer) => (output += c.toString()));
    chat.stderr.on('data', (c: Buffer) => (output += c.toString()));
    chat.stdin.end('I want a refund\norder 3\n');
    const [code] = await new Promise<[number | null]>((r) => chat.once('exit', (c) => r([c])));
    expect(code, output).toBe(0);
    expect(output).toContain('⇢ transfer concierge → billing (skill billing), Tango Context: { intentId=billing.refund }');
    expect(output).toContain('billing [Refund]: Hi Ada, Billing here.');
    expect(output).toContain('billing [Refund]: Done: the refund for order order 3 is on its way');
  }, 60_000);

  it.each(['transfer-stored', 'transfer-read'])('the receiver dies at %s before acknowledging: a replica takes over and the receiving dialog starts exactly once', async (point) => {
    // The replica starts after the crash (it loads and trains the bots): the transfer must not time out meanwhile.
    await startAgent('concierge', '--transfer-timeout', '30000');
    const doomed = await startAgent('billing', '--crash-at', point);
    const id = await front.startConversation({ botId: 'concierge' });
    const sending = front.send(id, 'I want a refund');
    expect((await doomed.exit).signal).toBe('SIGKILL');
    await startAgent('billing');
    const events = await sending;
    expect(ofType(events, 'transfer')).toHaveLength(1);
    expect(ofType(events, 'dialog-started').filter((e) => e.afterTransfer)).toMatchObject([{ botId: 'billing', dialog: 'Refund' }]);
    const state = await front.getConversation(id);
    expect(state).toMatchObject({ ownerBotId: 'billing', appliedSeq: 1, dialogStack: [{ dialog: 'Refund', awaitingAnswer: true }] });
    expect(state?.transferring).toBeUndefined();
    expect(said(await front.send(id, 'order 9'))).toEqual(['billing: Done: the refund for order order 9 is on its way (3–5 working days).']);
  }, 60_000);

  it.each(['message-stored', 'message-read'])('a process killed at %s in the middle of a user turn: after a restart the turn is applied once and the conversation goes on', async (point) => {
    await startAgent('concierge');
    await startAgent('billing');
    const id = await front.startConversation({ botId: 'concierge' });
    await front.send(id, 'I want a refund');
    const billing = agents.find((a) => a.bot === 'billing') as Agent;
    await stopAgent(billing);
    const doomed = await startAgent('billing', '--crash-at', point);
    const sending = front.send(id, 'order 5');
    expect((await doomed.exit).signal).toBe('SIGKILL');
    await startAgent('billing');
    expect(said(await sending)).toEqual(['billing: Done: the refund for order order 5 is on its way (3–5 working days).']);
    await front.send(id, 'hello');
    const state = await front.getConversation(id);
    expect(state?.appliedSeq).toBe(3);
    expect(userTexts(state)).toEqual(['I want a refund', 'order 5', 'hello']);
  }, 60_000);

  it('a transfer to a skill whose only process died comes back as __agent_escalation_failed__ within the transfer timeout', async () => {
    await startAgent('concierge');
    const tech = await startAgent('tech');
    tech.child.kill('SIGKILL');
    await tech.exit;
    const started = Date.now();
    const events = await front.send(await front.startConversation({ botId: 'concierge' }), 'my wifi keeps dropping');
    const elapsed = Date.now() - started;
    expect(ofType(events, 'transfer-failed')).toMatchObject([{ fromBotId: 'concierge', toSkill: 'tech', stage: 'late', reason: 'timeout' }]);
    expect(ofType(events, 'user-message').map((e) => e.text)).toContain('__agent_escalation_failed__');
    expect(elapsed).toBeGreaterThanOrEqual(TRANSFER_TIMEOUT_MS - 100);
    expect(elapsed).toBeLessThan(TRANSFER_TIMEOUT_MS + 5_000);
  }, 60_000);

  it('redis-server restarts (AOF, fsync always) in the middle of a run: no acknowledged transfer or message is lost', async () => {
    await startAgent('concierge');
    await startAgent('billing');
    const conversations = await Promise.all(Array.from({ length: 12 }, () => front.startConversation({ botId: 'concierge' })));
    const delivered = new Map<string, string[]>(conversations.map((id) => [id, []]));
    const failed: string[] = [];
    const talk = async (id: string, index: number): Promise<void> => {
      for (const text of ['I want a refund', `order ${index}`, 'hello']) {
        try {
          // The front's state store fails fast while Redis is away, before anything is sent: try again then.
          await eventually(() => front.send(id, text), (error) => BottangoError.is(error, BottangoErrorCode.StoreUnavailable));
          delivered.get(id)?.push(text);
        } catch (error) {
          // A send whose command was on the wire when the server died, or that outlived the command timeout while
          // it was away, fails: the front is told, nothing is resent. The user goes on with the next message.
          failed.push(String(error));
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const running = Promise.all(conversations.map((id, i) => talk(id, i)));
    await new Promise((r) => setTimeout(r, 150));
    await redis.kill();
    await new Promise((r) => setTimeout(r, 300));
    await redis.restart();
    await running;
    // Once the server is back, every conversation works again (however many sends the outage cost on a busy machine).
    // (Retried on any error, so it may be there twice if an attempt timed out after all.)
    for (const id of conversations) await eventually(() => front.send(id, 'still there?'));
    for (const id of conversations) {
      const state = await eventually(() => front.getConversation(id));
      expect(userTexts(state), id).toContain('still there?');
      // Every message the front was told succeeded is in the conversation, once.
      for (const text of delivered.get(id) ?? []) expect(userTexts(state)?.filter((t) => t === text), `${id}: ${text}`).toHaveLength(1);
    }
    // The only failures are the outage's: connection errors and command timeouts, never anything else.
    for (const reason of failed) expect(reason).toMatch(/timed out|connection|closed|ECONNRE|STORE_UNAVAILABLE|unavailable/i);
    console.info(`redis restart: ${failed.length} of ${conversations.length * 3} sends failed during the outage`);
  }, 120_000);
});
