import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@bottango/core';
import type { BottangoRuntime } from '@bottango/runtime';
import { composeRuntime } from '../compose.js';
import { checkExpected, checkForbidden, matches } from './expectations.js';
import { loadScenarioFile } from './load.js';
import { MAX_TIMER_ROUNDS_PER_WAIT, ScenarioClock } from './clock.js';
import { runScenarioFile, type ComposeScenarioRuntime, type ScenarioResult } from './run.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const EDGE_BOTS = join(ROOT, 'scenarios/edge-bots');

const compose: ComposeScenarioRuntime = async (botsDir, clock) => (await composeRuntime({ botsDir, cwd: ROOT, clock })).runtime;

async function scenarioFile(yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bottango-scenarios-'));
  const file = join(dir, 'test.yaml');
  await writeFile(file, yaml);
  return file;
}

async function run(yaml: string, composeWith: ComposeScenarioRuntime = compose): Promise<ScenarioResult[]> {
  return runScenarioFile(await loadScenarioFile(await scenarioFile(yaml)), composeWith, () => undefined);
}

async function loadProblem(yaml: string): Promise<string> {
  const error = await loadScenarioFile(await scenarioFile(yaml)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

const edge = (scenarios: string, top = ''): string => `bots: ${EDGE_BOTS}\nstart: router\n${top}scenarios:\n${scenarios}`;

/** The retry-cap conversation of edge-cases.yaml: receiver offline, three failures, the third final. */
const RETRY = `    agents: { receiver: offline }
    turns:
      - user: both please
      - user: both please
      - user: both please
`;

const conversationId = 'c1';
const event = (e: Record<string, unknown>): ConversationEvent => ({ conversationId, ...e }) as unknown as ConversationEvent;

describe('expectations', () => {
  const disambiguation = event({ type: 'disambiguation', botId: 'billing', options: [{ intentId: 'a', name: 'refund', score: 0.7 }, { intentId: 'b', name: 'new card', score: 0.68 }] });

  it('a disambiguation by its number of options or their names', () => {
    expect(matches({ disambiguation: { options: 2 } }, disambiguation)).toBe(true);
    expect(matches({ disambiguation: { options: 3 } }, disambiguation)).toBe(false);
    expect(matches({ disambiguation: { options: ['refund', 'new card'] } }, disambiguation)).toBe(true);
    expect(matches({ disambiguation: { options: ['refund'] } }, disambiguation)).toBe(false);
  });

  it('an error by its text, exactly or in part', () => {
    const error = event({ type: 'error', botId: 'router', code: 'SCRIPT_ERROR', message: 'getEnvVariable: no variable "KEY"' });
    expect(matches({ error: { code: 'SCRIPT_ERROR', contains: 'no variable' } }, error)).toBe(true);
    expect(matches({ error: { contains: 'no such' } }, error)).toBe(false);
    expect(matches({ error: { message: 'getEnvVariable: no variable "KEY"' } }, error)).toBe(true);
    expect(matches({ error: { message: 'getEnvVariable' } }, error)).toBe(false);
  });

  const says = (text: string): ConversationEvent => event({ type: 'bot-message', botId: 'b', dialog: 'd', text });
  const failed = (stage: string): ConversationEvent => event({ type: 'transfer-failed', fromBotId: 'b', toSkill: 's', reason: 'timeout', stage, message: 'm' });

  it('count: exactly N, all after the previous expectation; the next one is looked for after the last of them', () => {
    const events = [says('a'), failed('late'), says('b'), failed('late'), says('c')];
    expect(checkExpected('t', [{ transferFailed: {}, count: 2 }], events)).toEqual([]);
    expect(checkExpected('t', [{ transferFailed: {}, count: 1 }], events)[0]).toContain('expected exactly 1 × transferFailed {}, got 2');
    expect(checkExpected('t', [{ transferFailed: {}, count: 2 }, { says: { text: 'c' } }], events)).toEqual([]);
    expect(checkExpected('t', [{ transferFailed: {}, count: 2 }, { says: { text: 'b' } }], events)[0]).toContain('expected says {"text":"b"} after the previous expectation');
    expect(checkExpected('t', [{ says: { text: 'b' } }, { transferFailed: {}, count: 2 }], events)[0]).toContain('but one came before it');
    expect(checkExpected('t', [{ fallback: {}, count: 0 }], events)).toEqual([]);
  });

  it('never … after: only from the first event matching after, which must happen', () => {
    const events = [says('before'), failed('final'), says('after')];
    expect(checkForbidden('t', undefined, [{ says: { text: 'before' }, after: { transferFailed: { stage: 'final' } } }], events).failures).toEqual([]);
    expect(checkForbidden('t', undefined, [{ says: { text: 'after' }, after: { transferFailed: { stage: 'final' } } }], events).failures[0]).toContain('must not see says {"text":"after"}');
    expect(checkForbidden('t', undefined, [{ says: {}, after: { transferFailed: { stage: 'late' } } }], events).failures[0]).toContain('transferFailed {"stage":"late"} did not happen in this step');
  });
});

describe('scenario runs', () => {
  it('counts events of a kind in a turn, and fails on a wrong count', async () => {
    const ok = await run(edge(`  - name: retry cap\n${RETRY}        expect:\n          - transferFailed: {}\n            count: 2\n          - says: { text: "Our team is busy. Please try again tomorrow." }\n`));
    expect(ok[0]?.failures).toEqual([]);
    const wrong = await run(edge(`  - name: retry cap\n${RETRY}        expect:\n          - transferFailed: { stage: late }\n            count: 2\n`));
    expect(wrong[0]?.failures[0]).toContain('turn 3 ("both please"): expected exactly 2 × transferFailed {"stage":"late"}, got 1');
  });

  it('never after, in the turn and for the rest of the scenario', async () => {
    const ok = await run(edge(`  - name: retry cap\n${RETRY}        never:\n          - says: { text: "Transfer failed, sorry." }\n            after: { transferFailed: { stage: final } }\n`));
    expect(ok[0]?.failures).toEqual([]);
    const inTurn = await run(edge(`  - name: retry cap\n${RETRY}        never:\n          - says: {}\n            after: { transferFailed: { stage: final } }\n`));
    expect(inTurn[0]?.failures[0]).toContain('must not see says {} (after transferFailed {"stage":"final"})');
    const rest = await run(
      edge(`  - name: no transfer from here on
    turns:
      - user: loop
        never:
          - transfer: {}
            within: scenario
      - user: both please
`),
    );
    expect(rest[0]?.failures[0]).toMatch(/^turn 2 \("both please"\): must not see transfer \{\} \(for the rest of the scenario\) \(declared at turn 1 \("loop"\)\), but got \{"type":"transfer"/);
  });

  it("checks an error's text", async () => {
    const yaml = (contains: string): string => edge(`  - name: loop\n    turns:\n      - user: loop\n        expect:\n          - error: { bot: router, code: TRANSFER_LOOP, contains: "${contains}" }\n`);
    expect((await run(yaml('it holds that skill itself')))[0]?.failures).toEqual([]);
    expect((await run(yaml('no such text')))[0]?.failures[0]).toContain('expected error {"bot":"router","code":"TRANSFER_LOOP","contains":"no such text"}');
  });

  it('changes agent statuses between turns, and holds several named conversations of one user', async () => {
    let runtime: BottangoRuntime | undefined;
    const results = await run(
      edge(`  - name: the receiver goes offline mid-scenario
    user: ada
    turns:
      - user: both please
        expect:
          - transfer: { to: receiver }
        owner: receiver
      - agents: { receiver: offline }
      - user: both please
        conversation: second
        expect:
          - transferFailed: { stage: late, reason: no-agent-available }
        never:
          - transfer: {}
        owner: router
      - agents: { receiver: online }
      - user: both please
        conversation: third
        expect:
          - transfer: { to: receiver }
      - user: where is my parcel
        expect:
          - dialog: { bot: receiver, name: Order status }
        owner: receiver
`),
      async (botsDir, clock) => (runtime = await compose(botsDir, clock)),
    );
    expect(results[0]?.failures).toEqual([]);
    expect(runtime).toBeDefined();
  });

  it('an agents step naming an unknown bot fails the scenario', async () => {
    const results = await run(edge(`  - name: typo\n    turns:\n      - agents: { recever: offline }\n      - user: hello\n`));
    expect(results[0]?.failures[0]).toContain('turn 1 (agents): agents.recever: no such bot');
  });

  it('lets fake time pass: timers due run, their events are the wait step’s, and turns never move the clock', async () => {
    let clock: ScenarioClock | undefined;
    const timed: ComposeScenarioRuntime = async (botsDir, c) => {
      clock = c;
      const runtime = await compose(botsDir, c);
      // A timer set by a bot-side feature, as the runtime's own timers are: 3 s after the first message, a message.
      let armed = false;
      runtime.onEvent((e) => {
        if (e.type === 'user-message' && !armed) {
          armed = true;
          c.setTimeout(() => void runtime.send(e.conversationId, 'loop'), 3000);
        }
      });
      return runtime;
    };
    const results = await run(
      edge(`  - name: timer
    turns:
      - user: hello
        never:
          - dialog: { name: Loop }
      - wait: 2s
        never:
          - dialog: { name: Loop }
      - wait: 1000
        expect:
          - dialog: { bot: router, name: Loop }
          - error: { code: TRANSFER_LOOP }
`),
      timed,
    );
    expect(results[0]?.failures).toEqual([]);
    expect(clock?.now()).toBe(Date.UTC(2026, 0, 1) + 3000);
    const early = await run(edge(`  - name: timer\n    turns:\n      - user: hello\n      - wait: 2999ms\n        expect:\n          - dialog: { name: Loop }\n`), timed);
    expect(early[0]?.failures[0]).toContain('turn 2 (wait 2999 ms): expected dialog {"name":"Loop"}');
  });

  it('a turn waiting on a timer (a message delay) moves time to it, and no further; a list of texts is sent at once', async () => {
    let clock: ScenarioClock | undefined;
    const sent: { text: string; at: number }[] = [];
    const delayed: ComposeScenarioRuntime = async (botsDir, c) => {
      clock = c;
      const runtime = await compose(botsDir, c);
      const send = runtime.send.bind(runtime);
      // As messageDelay does: a message is handled 300 ms after it arrives; a 3 s timer must not run meanwhile.
      runtime.send = async (id, text) => {
        sent.push({ text, at: c.now() });
        if (sent.length === 1) c.setTimeout(() => void send(id, 'loop'), 3000);
        await new Promise<void>((resolve) => c.setTimeout(resolve, 300));
        return send(id, text);
      };
      return runtime;
    };
    const results = await run(
      edge(`  - name: delayed
    turns:
      - user: [nowhere, message that matches nothing]
        expect:
          - transferFailed: { skill: astronomy }
          - transfer: { to: receiver }
        never:
          - dialog: { name: Loop }
`),
      delayed,
    );
    expect(results[0]?.failures).toEqual([]);
    expect(sent.map((s) => s.at - sent[0]!.at)).toEqual([0, 0]);
    expect(clock!.now() - sent[0]!.at).toBe(300);
  });

  it('isolation: a new runtime per scenario by default; one per file with isolation: file', async () => {
    const counting = (): { compose: ComposeScenarioRuntime; count: () => number } => {
      let n = 0;
      return { compose: async (dir, clock) => (n++, compose(dir, clock)), count: () => n };
    };
    const two = `  - name: one\n    turns:\n      - user: hello\n  - name: two\n    turns:\n      - user: hello\n`;
    const isolated = counting();
    expect((await run(edge(two), isolated.compose)).every((r) => r.passed)).toBe(true);
    expect(isolated.count()).toBe(2);
    const sharing = counting();
    expect((await run(edge(two, 'isolation: file\n'), sharing.compose)).every((r) => r.passed)).toBe(true);
    expect(sharing.count()).toBe(1);
  });

  it('expects the bots of a scenario to fail to load, with the problem text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottango-bad-bots-'));
    await mkdir(join(dir, 'bad'));
    await writeFile(join(dir, 'bad', 'broken.yaml'), 'id: broken\nskills: [x]\ndialogs:\n  - name: A\n    starter: { patterns: ["hi"] }\n    interactions: 7\n');
    const file = join(dir, 'test.yaml');
    const scenario = (loadError: string): string => `bots: ${EDGE_BOTS}\nstart: router\nscenarios:\n  - name: bad bots\n    bots: bad\n    loadError: ${loadError}\n`;
    await writeFile(file, scenario('{ code: INVALID_DEFINITION, problems: [{ file: broken.yaml, path: "dialogs[0].interactions" }] }'));
    const ok = await runScenarioFile(await loadScenarioFile(file), compose, () => undefined);
    expect(ok[0]?.failures).toEqual([]);
    await writeFile(file, scenario('{ problems: [{ file: broken.yaml, contains: "no such problem" }] }'));
    const wrong = await runScenarioFile(await loadScenarioFile(file), compose, () => undefined);
    expect(wrong[0]?.failures[0]).toMatch(/^loadError.problems\[0\]: no reported problem matches .*\n +the error was: INVALID_DEFINITION: Invalid bot definitions/);
    // No start bot is needed: the bots never run.
    const loads = await run(`bots: ${EDGE_BOTS}\nscenarios:\n  - name: good bots\n    loadError: {}\n`);
    expect(loads[0]?.failures[0]).toContain('expected the bots in');
  });
});

describe('scenario file errors', () => {
  it('name the path and what is wrong', async () => {
    expect(await loadProblem(edge(`  - name: x\n    turns:\n      - usr: hi\n`))).toContain('scenarios[0].turns[0]: must have exactly one of user (a turn), agents (agent statuses) or wait (time passing); got {"usr":"hi"}');
    expect(await loadProblem(edge(`  - name: x\n    turns:\n      - agents: { receiver: gone }\n`))).toContain('scenarios[0].turns[0].agents.receiver: must be online, offline or rejecting');
    expect(await loadProblem(edge(`  - name: x\n    turns:\n      - wait: soon\n`))).toContain('scenarios[0].turns[0].wait: must be a duration like 300ms, 3s, 2m or 1h');
    expect(await loadProblem(edge(`  - name: x\n    turns:\n      - user: hi\n        expect:\n          - { says: {}, fallback: {} }\n`))).toContain('scenarios[0].turns[0].expect[0]: must have exactly one of says, dialog');
    expect(await loadProblem(edge(`  - name: x\n    turns:\n      - user: hi\n        expect:\n          - says: { txt: hi }\n`))).toContain('scenarios[0].turns[0].expect[0].says.txt: unknown key (known: bot, dialog, text, contains)');
    expect(await loadProblem(edge(`  - name: x\n    turns:\n      - user: hi\n        never:\n          - says: {}\n            count: 1\n`))).toContain('scenarios[0].turns[0].never[0].count: unknown expectation');
    expect(await loadProblem(edge(`  - name: x\n    turns:\n      - user: { text: hi }\n`))).toContain('scenarios[0].turns[0].user: must be text, a number or a list, got {"text":"hi"}');
    expect(await loadProblem(edge(`  - name: x\n`))).toContain('scenarios[0].turns: must be a non-empty list of turns (or loadError');
    // Read as bot files are: an alias bomb, bytes that are not UTF-8 and a file over 1 MiB are refused, naming why.
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(await loadProblem(bomb)).toContain('YAML aliases (*name) expand to too much data');
    expect(await loadProblem(edge(`  - name: x\n    turns:\n      - wait: 744h\n`))).toContain('must be at most 30 days (720h)');
    const latin1 = await scenarioFile('');
    await writeFile(latin1, Buffer.from('bots: caf\xe9\n', 'latin1'));
    await expect(loadScenarioFile(latin1)).rejects.toThrow('line 1: the file is not valid UTF-8: invalid byte sequence at byte offset 9');
    expect(await loadProblem(`bots: x\n# ${'y'.repeat(1024 * 1024)}\n`)).toContain('a scenario file may hold at most 1,048,576 bytes');
    expect(await loadProblem(edge(`  - name: x\n    loadError: {}\n    turns:\n      - user: hi\n`))).toContain('scenarios[0].turns: a scenario with loadError has no turns');
  });
});

describe('a scenario that stops with an error', () => {
  it('fails naming the error, and the file goes on with its next scenario', async () => {
    // The runtime of the first scenario rejects every message (as a store that went away would).
    let built = 0;
    const flaky: ComposeScenarioRuntime = async (botsDir, clock) => {
      const runtime = await compose(botsDir, clock);
      if (built++ === 0) runtime.send = async () => Promise.reject(new Error('the store went away'));
      return runtime;
    };
    const scenario = (name: string): string => `  - name: ${name}\n    turns:\n      - user: hello\n`;
    const results = await run(edge(scenario('first') + scenario('second')), flaky);
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['first', false],
      ['second', true],
    ]);
    expect(results[0]?.failures).toEqual(['the scenario stopped with an error: the store went away']);
  });
});

describe('ScenarioClock', () => {
  it('stops a wait whose timers keep re-arming themselves, instead of running them for ever', async () => {
    const clock = new ScenarioClock();
    const rearm = (): void => void clock.setTimeout(rearm, 1);
    rearm();
    await expect(clock.pass(3_600_000, async () => undefined)).rejects.toThrow(`the wait ran timers at ${MAX_TIMER_ROUNDS_PER_WAIT.toLocaleString('en-US')} due times and more keep coming`);
  });
});
