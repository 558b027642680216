import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { machineLine, updateBenchmarksSection } from './benchmarks-file.js';
import { spawnChild, stopChild, waitFor, type Child } from './cluster-processes.js';

/**
 * `pnpm bench http`: the HTTP API under load. autocannon keeps 100 conversations busy (one per connection, each
 * authenticated with its own conversation token), sending "hi" to the demo concierge. The peer, measured in the same
 * run, is the same runtime behind a bare node:http server.
 */
const here = dirname(fileURLToPath(import.meta.url));
const SERVER = resolve(here, '../../../apps/server/dist/main.js');
const DEMO_BOTS = resolve(here, '../../../apps/demo/bots');
const PEER = resolve(here, 'http-peer.js');
const CONVERSATIONS = 100;
const WARM_UP_S = 3;
const MEASURE_S = Number(process.env['BOTTANGO_BENCH_HTTP_S'] ?? 10);
const API_KEY = 'bench-operator-key-0123456789abcdef';

interface Figures {
  readonly messagesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly rssMb: number;
}

interface Target {
  readonly url: string;
  readonly child: Child;
  /** Opens a conversation; its path for messages and the headers to send with them. */
  open(): Promise<{ path: string; headers: Record<string, string> }>;
}

async function startServer(bots: string, tmp: string): Promise<Target> {
  const child = spawnChild('bottango-server', process.execPath, [SERVER, '--bots', bots, '--port', '0', '--idle-minutes', '60', '--rate-limit', '100000000', '--log-level', 'warn'], tmp);
  const url = await listeningUrl(child, /bottango-server listening on (http:\/\/\S+)/);
  return {
    url,
    child,
    open: async () => {
      const res = await fetch(`${url}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` }, body: JSON.stringify({ botId: 'concierge' }) });
      if (res.status !== 201) throw new Error(`POST /conversations answered ${res.status}: ${await res.text()}`);
      const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };
      return { path: `/conversations/${conversationId}/messages`, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } };
    },
  };
}

async function startPeer(bots: string, tmp: string): Promise<Target> {
  const child = spawnChild('node:http peer', process.execPath, [PEER, bots, join(bots, '.bottango/models')], tmp);
  const port = await listeningUrl(child, /^listening (\d+)$/m);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    open: async () => {
      const res = await fetch(`${url}/conversations`, { method: 'POST' });
      const { conversationId } = (await res.json()) as { conversationId: string };
      return { path: `/conversations/${conversationId}/messages`, headers: { 'content-type': 'application/json' } };
    },
  };
}

async function listeningUrl(child: Child, pattern: RegExp): Promise<string> {
  let match: RegExpExecArray | null = null;
  await waitFor(child, 'listening', () => (match = pattern.exec(child.output())) !== null, 120_000);
  return (match as unknown as RegExpExecArray)[1] as string;
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) / 1024 : 0;
}

/** One autocannon run: each connection holds one conversation and sends "hi" to it again and again. */
async function load(target: Target, conversations: readonly { path: string; headers: Record<string, string> }[], seconds: number): Promise<Figures> {
  let next = 0;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(target.child.process.pid))), 200);
  try {
    const result = await autocannon({
      url: target.url,
      connections: conversations.length,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context) => {
            const held = context as { conversation?: (typeof conversations)[number] };
            if (held.conversation === undefined) held.conversation = conversations[next++ % conversations.length] as (typeof conversations)[number];
            const c = held.conversation as (typeof conversations)[number];
            return { ...request, method: 'POST', path: c.path, headers: c.headers, body: '{"text":"hi"}' };
          },
        },
      ],
    });
    return {
      messagesPerSecond: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      rssMb: Math.round(peakRss),
    };
  } finally {
    clearInterval(sampler);
  }
}

async function measure(target: Target): Promise<Figures> {
  const conversations = await Promise.all(Array.from({ length: CONVERSATIONS }, () => target.open()));
  await load(target, conversations, WARM_UP_S);
  return load(target, conversations, MEASURE_S);
}

const tmp = mkdtempSync(join(tmpdir(), 'bottango-bench-http-'));
// A copy of the demo bots, so trained models are cached in the temp folder, not in the repository.
const bots = join(tmp, 'bots');
cpSync(DEMO_BOTS, bots, { recursive: true, filter: (src) => basename(src) !== '.bottango' });
process.env['BOTTANGO_API_KEYS'] = API_KEY;
let peer: Figures;
let server: Figures;
try {
  const peerTarget = await startPeer(bots, tmp);
  try {
    peer = await measure(peerTarget);
  } finally {
    await stopChild(peerTarget.child);
  }
  const serverTarget = await startServer(bots, tmp);
  try {
    server = await measure(serverTarget);
  } finally {
    await stopChild(serverTarget.child);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const ratio = server.messagesPerSecond / Math.max(1, peer.messagesPerSecond);
const row = (name: string, f: Figures): string => `| ${name} | ${f.messagesPerSecond.toLocaleString('en-US')} | ${f.p50Ms} | ${f.p99Ms} | ${f.errors} | ${f.rssMb} |`;
updateBenchmarksSection(
  'http',
  `## HTTP API under load

\`pnpm bench http\` — ${machineLine()}. autocannon on the same machine, ${CONVERSATIONS} connections, each holding one
conversation of the demo bots and sending \`{"text":"hi"}\` (the concierge answers by pattern) as fast as it is answered,
${WARM_UP_S} s warm-up then ${MEASURE_S} s measured. bottango-server: Fastify, JSON schemas, the conversation token checked on every
message, in-process bots, memory stores, \`--log-level warn\` (no line per request; at the default \`info\` one run gave
6,030 messages/s against 7,117 with \`warn\`). The conversations were opened with an operator key; their messages carry only
their conversation token, so they count as anonymous clients, all from 127.0.0.1: the per-client rate limit is raised
(\`--rate-limit 100000000\`) to stand for 100 clients on 100 addresses. Peer, in the same run: the same runtime behind a bare node:http
server (no schemas, no authentication). RSS is the server process's peak.

| server | messages/s | p50 ms | p99 ms | errors | peak RSS MB |
| --- | ---: | ---: | ---: | ---: | ---: |
${row('bottango-server (Fastify)', server)}
${row('peer: node:http + the same runtime', peer)}

Fastify server / peer throughput: ${ratio.toFixed(2)}. Targets: ≥ 10,000 messages/s ${server.messagesPerSecond >= 10_000 ? '✓' : '✗'}, p99 < 5 ms ${server.p99Ms < 5 ? '✓' : '✗'}, 0 errors ${server.errors === 0 ? '✓' : '✗'}, framework cost ≤ 25 % of the peer ${ratio >= 0.75 ? '✓' : '✗'}.`,
);
process.stdout.write(`${JSON.stringify({ ...server, peer, ratioToPeer: Number(ratio.toFixed(3)) })}\n`);
