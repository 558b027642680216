/**
 * `pnpm bench cluster`: bots as separate processes over Redis Streams. Starts its own redis-server and five
 * `bottango agent` processes (one concierge, two replicas each of two specialists); this process is the front.
 * Measures transfers and messages per second at saturation (closed loop), the escalation latency at half that rate
 * (open loop), and the same saturation run with one specialist replica SIGKILLed halfway; counts lost and
 * duplicated messages and transfers against what Redis holds afterwards. Writes the `cluster` section of
 * BENCHMARKS.md; its last stdout line is one JSON object with the figures.
 * Run: `pnpm bench cluster` (or `node tooling/bench/dist/cluster.js` after a build).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadBotDirectory } from '@bottango/definitions';
import { createRuntime, parseStoreSetting, type BottangoRuntime } from '@bottango/runtime';
import { RedisStateModule } from '@bottango/store-redis';
import { CONSUMER_GROUP, RedisTransportModule, type RedisStreamsTransport } from '@bottango/transport-redis';
import { machineLine, updateBenchmarksSection } from './benchmarks-file.js';
import { ClusterLoad, SPECIALISTS, type Figures, type RunReport } from './cluster-load.js';
import { startTestRedisServer, type TestRedisServer } from '@bottango/testing/redis';
import { cpuSeconds, spawnChild, stopChild, waitFor, type Child } from './cluster-processes.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../../../apps/cli/dist/main.js');
const BOTS = resolve(here, '../bots/cluster');

const IN_FLIGHT = 200;
const REPLICAS = 2;
const WARM_UP_MS = 3_000;
const MEASURE_MS = Number(process.env['BOTTANGO_BENCH_CLUSTER_MS'] ?? 15_000);
const CLAIM_IDLE_MS = 1_000;
const TRANSFER_TIMEOUT_MS = 10_000;
const SEND_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 60_000;
/** The whole section, start to clean-up; past it every child is killed and the section fails. */
const WATCHDOG_MS = 240_000;
const TARGETS = { transfersPerSecond: 2_000, p99Ms: 10 } as const;

interface Agent {
  readonly bot: string;
  readonly replica: number;
  readonly child: Child;
}

interface WindowUsage {
  readonly seconds: number;
  /** CPU seconds per role (the replicas of a bot together). */
  readonly cpu: ReadonlyMap<string, number>;
  /** Commands Redis ran (those inside Lua scripts included), and the script calls among them. */
  readonly commands: number;
  readonly scriptCalls: number;
}

/** CPU used by each process and commands Redis ran, across a measured window (edges come from `ClusterLoad`). */
class Counters {
  readonly #processes: () => readonly (readonly [string, number | undefined])[];
  readonly #redis: RedisStreamsTransport['redis'];
  #opened: { at: number; cpu: Map<string, number>; commands: Promise<Map<string, number>> } | undefined;
  #result: Promise<WindowUsage> | undefined;

  constructor(processes: () => readonly (readonly [string, number | undefined])[], transport: RedisStreamsTransport) {
    this.#processes = processes;
    this.#redis = transport.redis;
  }

  edge = (edge: 'open' | 'close'): void => {
    const at = performance.now();
    const cpu = this.#cpu();
    const commands = this.#commands();
    if (edge === 'open') {
      this.#opened = { at, cpu, commands };
      return;
    }
    const opened = this.#opened;
    if (!opened) return;
    this.#result = (async () => {
      const used = new Map<string, number>();
      for (const [role, value] of cpu) {
        const before = opened.cpu.get(role);
        if (before !== undefined) used.set(role, value - before);
      }
      const [before, after] = [await opened.commands, await commands];
      const delta = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
      const total = [...after.keys()].reduce((sum, name) => sum + delta(name), 0);
      return { seconds: (at - opened.at) / 1000, cpu: used, commands: total, scriptCalls: delta('evalsha') + delta('eval') };
    })();
  };

  result(): Promise<WindowUsage> | undefined {
    return this.#result;
  }

  #cpu(): Map<string, number> {
    const cpu = new Map<string, number>();
    const usage = process.cpuUsage();
    cpu.set('front (the bench process)', (usage.user + usage.system) / 1e6);
    for (const [role, pid] of this.#processes()) {
      const seconds = cpuSeconds(pid);
      if (seconds !== undefined) cpu.set(role, (cpu.get(role) ?? 0) + seconds);
    }
    return cpu;
  }

  /** Calls per command from INFO commandstats (the INFO calls themselves are left out). */
  async #commands(): Promise<Map<string, number>> {
    const calls = new Map<string, number>();
    for (const [, name, count] of (await this.#redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (name !== 'info') calls.set(name as string, Number(count));
    }
    return calls;
  }
}

/** Entries pending in the consumer group, per consumer, over `streams`. */
async function pendingByConsumer(transport: RedisStreamsTransport, streams: readonly string[]): Promise<Map<string, number>> {
  const pending = new Map<string, number>();
  for (const stream of streams) {
    const [, , , consumers] = (await transport.redis.xpending(stream, CONSUMER_GROUP)) as [number, string | null, string | null, [string, string][] | null];
    for (const [consumer, count] of consumers ?? []) pending.set(consumer, (pending.get(consumer) ?? 0) + Number(count));
  }
  return pending;
}

const work = mkdtempSync(join(tmpdir(), 'bottango-bench-cluster-'));
let redis: TestRedisServer | undefined;
process.once('exit', () => {
  rmSync(work, { recursive: true, force: true });
  // The redis-server is not one of cluster-processes' children: it must not outlive the bench either.
  const pid = redis?.pid();
  if (pid !== undefined) process.kill(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
setTimeout(() => {
  process.stderr.write(`bench cluster: still running after ${WATCHDOG_MS / 1000} s; killing every child process\n`);
  process.exit(1);
}, WATCHDOG_MS).unref();

const agents: Agent[] = [];
let front: BottangoRuntime | undefined;
try {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm turbo run build --filter=@bottango/cli...)`);
  const bots = join(work, 'bots');
  // A copy, so the agents' trained models (.bottango/) stay out of the repository.
  cpSync(BOTS, bots, { recursive: true, filter: (source) => basename(source) !== '.bottango' });
  redis = await startTestRedisServer({ appendFsync: 'everysec' });
  const url = redis.url;

  const startAgent = async (bot: string, replica: number): Promise<Agent> => {
    const args = [CLI, 'agent', '--bots', bots, '--bot', bot, '--transport', url, '--store', url, '--transfer-timeout', String(TRANSFER_TIMEOUT_MS), '--claim-idle', String(CLAIM_IDLE_MS)];
    const agent: Agent = { bot, replica, child: spawnChild(`agent ${bot} #${replica}`, process.execPath, args, work) };
    agents.push(agent);
    await waitFor(agent.child, 'ready', () => agent.child.output().includes(`bottango agent: ${bot} ready`), READY_TIMEOUT_MS);
    return agent;
  };
  const startedAt = performance.now();
  await Promise.all([startAgent('concierge', 1), ...SPECIALISTS.flatMap((bot) => Array.from({ length: REPLICAS }, (_, i) => startAgent(bot, i + 1)))]);
  const agentsReadyMs = performance.now() - startedAt;

  const definitions = await loadBotDirectory(bots);
  front = await createRuntime({
    bots: definitions.bots,
    groups: definitions.groups,
    localBots: [],
    store: parseStoreSetting(url),
    importModule: (name) => import(name),
    modules: [RedisStateModule.fromOptions({ url }), RedisTransportModule.fromOptions({ url, sendTimeoutMs: SEND_TIMEOUT_MS })],
  });
  const transport = front.transport as RedisStreamsTransport;
  // Each process by role; the replicas of a bot add up under one role.
  const processes = (): [string, number | undefined][] => [
    ['redis-server', redis?.pid()],
    ...agents.filter((a) => a.child.alive()).map((a): [string, number | undefined] => [a.bot === 'concierge' ? 'concierge' : `${a.bot} (${REPLICAS} replicas)`, a.child.process.pid]),
  ];
  const load = new ClusterLoad(front);

  const counters = new Counters(processes, transport);
  const saturation = await load.run({ name: 's', warmUpMs: WARM_UP_MS, measureMs: MEASURE_MS, inFlight: IN_FLIGHT, onWindow: counters.edge });
  const usage = await counters.result();
  report('saturation', saturation);

  const rate = Math.max(1, saturation.figures.transfersPerSecond / 2);
  const half = await load.run({ name: 'h', warmUpMs: 1_000, measureMs: MEASURE_MS, conversationsPerSecond: rate });
  report('half rate', half);

  const victim = agents.find((a) => a.bot === SPECIALISTS[0] && a.replica === REPLICAS) as Agent;
  const victimStreams = [transport.keys.inbox(victim.bot), transport.keys.skill(victim.bot)];
  const victimConsumer = (await transport.registry.live()).find((a) => a.pid === victim.child.process.pid)?.consumer;
  if (victimConsumer === undefined) throw new Error(`${victim.child.name} (pid ${victim.child.process.pid}) has no heartbeat in the agent registry`);
  let pendingAtKill: Promise<number> | undefined;
  const killed = await load.run({
    name: 'k',
    warmUpMs: WARM_UP_MS,
    measureMs: MEASURE_MS,
    inFlight: IN_FLIGHT,
    midway: {
      afterMs: MEASURE_MS / 2,
      action: () => {
        victim.child.process.kill('SIGKILL');
        // What the dead replica held: entries read and not acknowledged, for the other replica to claim.
        pendingAtKill = victim.child.exited.then(async () => {
          return (await pendingByConsumer(transport, victimStreams)).get(victimConsumer) ?? 0;
        });
      },
    },
  });
  report('one replica killed', killed);
  const victimExit = await Promise.race([victim.child.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2_000))]);
  if (victimExit?.signal !== 'SIGKILL') throw new Error(`${victim.child.name} was not killed (${JSON.stringify(victimExit)})`);
  const claimed = (await pendingAtKill) ?? 0;
  const leftPending = [...(await pendingByConsumer(transport, victimStreams)).values()].reduce((sum, n) => sum + n, 0);
  process.stderr.write(`bench cluster: ${victim.child.name} held ${claimed} unacknowledged ${claimed === 1 ? 'entry' : 'entries'} when killed; ${leftPending} entries pending at the end\n`);
  const unexpected = agents.filter((a) => a !== victim && !a.child.alive());
  if (unexpected.length > 0) throw new Error(`agent(s) died during the bench: ${unexpected.map((a) => `${a.child.name}:\n${a.child.output().slice(-2_000)}`).join('\n')}`);

  const summary = {
    ...pick(saturation.figures, ['transfersPerSecond', 'messagesPerSecond']),
    ...pick(half.figures, ['p50Ms', 'p99Ms', 'maxMs']),
    lost: saturation.figures.lost + half.figures.lost,
    duplicated: saturation.figures.duplicated + half.figures.duplicated,
    withKilledReplica: killed.figures,
  };
  const table = renderTable({ saturation, half, killed, rate, usage, agentsReadyMs, redisVersion: redis.version, victim: victim.child.name, claimed, leftPending });
  updateBenchmarksSection('cluster', table);
  process.stdout.write(`${table}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} catch (error) {
  process.stderr.write(`bench cluster failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await Promise.race([front?.close(), new Promise((r) => setTimeout(r, 5_000))]).catch(() => undefined);
  await Promise.all(agents.map((a) => stopChild(a.child)));
  await redis?.stop();
}
// Nothing of this section may linger (a connection, a timer): every child is gone, the figures are written.
process.exit();

function pick<K extends keyof Figures>(figures: Figures, keys: readonly K[]): Pick<Figures, K> {
  return Object.fromEntries(keys.map((k) => [k, figures[k]])) as Pick<Figures, K>;
}

/** Progress on stderr (stdout ends with the table and the JSON line). */
function report(name: string, run: RunReport): void {
  const f = run.figures;
  process.stderr.write(
    `bench cluster: ${name}: ${f.transfersPerSecond} transfers/s, ${f.messagesPerSecond} messages/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms, ` +
      `lost ${f.lost}, duplicated ${f.duplicated} (${run.conversations} conversations, ${run.timed} escalations timed)\n`,
  );
  for (const problem of run.problems.slice(0, 10)) process.stderr.write(`  ${problem}\n`);
}

function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '–';
}

function ms(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(1)} ms` : '–';
}

function mark(ok: boolean): string {
  return ok ? '✓' : '✗';
}

/** Words joined into lines of at most `width` characters (Markdown paragraphs stay readable in the file). */
function wrap(text: string, width = 125): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

function renderTable(r: {
  saturation: RunReport;
  half: RunReport;
  killed: RunReport;
  rate: number;
  usage: WindowUsage | undefined;
  agentsReadyMs: number;
  redisVersion: string;
  victim: string;
  claimed: number;
  leftPending: number;
}): string {
  const { saturation: s, half: h, killed: k } = r;
  const row = (label: string, target: string, value: (run: RunReport) => string, ok?: boolean): string =>
    `| ${label} | ${target}${ok === undefined ? '' : ` ${mark(ok)}`} | ${value(s)} | ${value(h)} | ${value(k)} |`;
  const cores = availableParallelism();
  const setup =
    `\`pnpm bench cluster\` — ${machineLine()}, ${cores} CPU(s) (${cpus()[0]?.model.trim() ?? 'unknown'}), shared by every process below ` +
    `(and by whatever else ran on the machine). Setup: one redis-server ${r.redisVersion} of the bench's own (loopback, AOF with fsync ` +
    `every second, no RDB snapshots); five \`bottango agent\` processes (bots in tooling/bench/bots/cluster): one concierge and two ` +
    `replicas each of billing and tech, claim-idle time ${CLAIM_IDLE_MS} ms, all ready ${(r.agentsReadyMs / 1000).toFixed(1)} s after launch. The front is the ` +
    'bench process: a runtime that runs no bot and reaches them only through Redis. Each conversation: the user asks the concierge ' +
    'for billing or tech (alternately); the concierge transfers with a Tango Context (intent ID set in preProcess); the specialist ' +
    'starts the dialog tied to the intent, says one message and asks a question; the user answers it and a second question ' +
    `(3 user messages, 1 transfer). Saturation: ${IN_FLIGHT} conversations in flight (closed loop: each is followed by a new one), ` +
    `${WARM_UP_MS / 1000} s warm-up, then ${s.measuredMs / 1000} s measured. Half rate: conversations started at ${int(r.rate)} per second, ` +
    `half the saturation transfers per second (open loop), ${h.measuredMs / 1000} s measured. One replica killed: the saturation run again, ` +
    `with ${r.victim} SIGKILLed halfway through the measured window; it held ${int(r.claimed)} ${r.claimed === 1 ? 'entry' : 'entries'} read and not acknowledged, ` +
    `which the other replica claimed after ${CLAIM_IDLE_MS} ms idle (${int(r.leftPending)} still pending at the end).`;
  const notes =
    'Transfers and messages per second count the `send` calls that resolved inside the measured window. Latency is measured at ' +
    'the front for every escalation sent inside the window: from calling `runtime.send` with the escalating message until it ' +
    "resolves with the receiver's first bot message. The receiver publishes that message in the same Redis script as the mark " +
    "that settles the send, so this is when the message is in the front's hands: an upper bound on when it became visible. It " +
    "includes the front reading the state and queueing the message, the concierge's turn, the transfer through the skill stream, " +
    "the specialist's turn, both state writes, the pub/sub nudge and the front's read of the event stream; at saturation, also " +
    'the queueing behind the other conversations. The slowest `send` is over every user message of the run, so it shows a message ' +
    'the killed replica held waiting to be claimed. Lost: a `send` that failed or timed out; a delivered message missing from the ' +
    'stored transcript or not counted in `appliedSeq`; a delivered escalation after which the specialist does not own the ' +
    'conversation, a transfer is still in flight, or no receiving dialog started. Duplicated: a receiving dialog started more ' +
    "than once (`dialog-started` events with `afterTransfer` in the conversation's event stream), a user message twice in the " +
    'transcript, or `appliedSeq` above the number of messages sent.';
  const usage = r.usage;
  let where = '';
  if (usage) {
    const conversations = Math.max(1, s.figures.transfersPerSecond * usage.seconds);
    const perConversation = (seconds: number): string => `${((1000 * seconds) / conversations).toFixed(2)} ms`;
    const total = [...usage.cpu.values()].reduce((sum, v) => sum + v, 0);
    where =
      `Where the time went in the saturation run (its ${usage.seconds.toFixed(0)} s measured window; CPU of each process from /proc): cores ` +
      `busy, and CPU per conversation in brackets — ${[...usage.cpu].map(([role, seconds]) => `${role} ${(seconds / usage.seconds).toFixed(2)} (${perConversation(seconds)})`).join(', ')}; ` +
      `together ${(total / usage.seconds).toFixed(2)} of ${cores} cores (${perConversation(total)}). Redis ran ${int(usage.commands / conversations)} commands ` +
      `per conversation, those inside Lua scripts included (${int(usage.scriptCalls / conversations)} script calls).`;
  }
  return [
    '## Bots as separate processes (Redis Streams)',
    '',
    wrap(setup),
    '',
    '| measure | target | saturation | half rate | one replica killed |',
    '| --- | --- | ---: | ---: | ---: |',
    row('transfers per second', `≥ ${int(TARGETS.transfersPerSecond)} at saturation`, (x) => int(x.figures.transfersPerSecond), s.figures.transfersPerSecond >= TARGETS.transfersPerSecond),
    row('user messages per second', '', (x) => int(x.figures.messagesPerSecond)),
    row("p50 escalation → receiver's first message", '', (x) => ms(x.figures.p50Ms)),
    row("p99 escalation → receiver's first message", `< ${TARGETS.p99Ms} ms at half rate`, (x) => ms(x.figures.p99Ms), h.figures.p99Ms < TARGETS.p99Ms),
    row("max escalation → receiver's first message", '', (x) => ms(x.figures.maxMs)),
    row('lost', '0', (x) => int(x.figures.lost), s.figures.lost + h.figures.lost + k.figures.lost === 0),
    row('duplicated', '0', (x) => int(x.figures.duplicated), s.figures.duplicated + h.figures.duplicated + k.figures.duplicated === 0),
    row('slowest `send` of any user message', '', (x) => ms(x.slowestSendMs)),
    row('conversations: all messages delivered / started', '', (x) => `${int(x.completed)} / ${int(x.conversations)}`),
    '',
    wrap(notes),
    ...(where ? ['', wrap(where)] : []),
  ].join('\n');
}
