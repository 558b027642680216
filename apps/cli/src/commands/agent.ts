import { parseArgs } from 'node:util';
import { CRASH_POINTS, isRedisStreamsTransport, RedisBotAgent, type CrashPoint } from '@bottango/transport-redis';
import { botsDirOf, composeRuntime } from '../compose.js';
import { cacheDirArg, PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import type { CliCommand } from '../io.js';
import { UsageError } from '../usage-error.js';

export const AGENT_USAGE = `bottango agent --bots <dir> --bot <id> --transport redis://… [--store <sqlite:path|redis://…>] [--state <…>]
  Runs one bot agent as its own process: takes the transfers to the bot's skills and the messages of the
  conversations it holds from Redis Streams, until SIGINT or SIGTERM. Start several for replicas.
  --store defaults to the --transport URL (the Context Session Store and the conversations must be shared).
  --transfer-timeout <ms>  a transfer no agent takes fails back to its sender after this (default 10000)
  --claim-idle <ms>        entries a dead replica left are taken over after this (default 5000)
  --concurrency <n>        entries handled at once (default 256)
  --crash-at <point>[:<n>] failover drill: SIGKILL itself at the n-th (default 1st) message-read, message-stored,
                           transfer-read or transfer-stored (stored = after the step is saved, before it is acknowledged)
${PROJECT_USAGE}`;

export const agentCommand: CliCommand = async (args, io) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...PROJECT_ARGS,
      bots: { type: 'string' },
      bot: { type: 'string' },
      transport: { type: 'string' },
      store: { type: 'string' },
      state: { type: 'string' },
      'transfer-timeout': { type: 'string' },
      'claim-idle': { type: 'string' },
      concurrency: { type: 'string' },
      'crash-at': { type: 'string' },
    },
    strict: true,
  });
  const project = await readProject(values, io.cwd);
  const botsDir = botsDirOf(values.bots, project, 'agent', AGENT_USAGE);
  const transport = values.transport ?? project.transport;
  if (!values.bot) throw new UsageError('agent: --bot <id> is required (the bot this process runs)', AGENT_USAGE);
  if (!transport?.startsWith('redis://') && !transport?.startsWith('rediss://')) {
    throw new UsageError(`agent: --transport redis://host:port is required${transport ? `, got "${transport}"` : ''}`, AGENT_USAGE);
  }
  const transferTimeoutMs = positive('--transfer-timeout', values['transfer-timeout']);
  const claimIdleMs = positive('--claim-idle', values['claim-idle']);
  const concurrency = positive('--concurrency', values.concurrency);
  const crashAt = crashPoint(values['crash-at']);
  const { runtime, warnings } = await composeRuntime({
    botsDir,
    project,
    plugins: values.plugin ?? [],
    ...cacheDirArg(values, io.cwd),
    cwd: io.cwd,
    store: values.store ?? project.store ?? transport,
    ...(values.state ? { state: values.state } : {}),
    transport,
    transportOptions: { ...(transferTimeoutMs ? { transferTimeoutMs } : {}), ...(claimIdleMs ? { claimIdleMs } : {}) },
    localBots: [values.bot],
  });
  for (const w of warnings) io.stderr.write(`warning: ${w.file}: ${w.path}: ${w.message}\n`);
  let agent: RedisBotAgent;
  try {
    const transport = runtime.transport;
    // isRedisStreamsTransport, not instanceof: the project may have its own copy of @bottango/transport-redis.
    if (!isRedisStreamsTransport(transport)) throw new Error('the runtime did not load the Redis Streams transport');
    agent = await RedisBotAgent.start({ runtime, transport, botId: values.bot, ...(concurrency ? { concurrency } : {}), ...(crashAt ? { crashAt } : {}) });
  } catch (error) {
    // Its connections would keep the process alive after the error is reported.
    await runtime.close();
    throw error;
  }
  const skills = runtime.bot(values.bot).definition.skills;
  io.stdout.write(`bottango agent: ${values.bot} ready (skills: ${skills.join(', ') || 'none'}; consumer ${agent.consumer})\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.stderr.write(`bottango agent: ${values.bot} stopping (${signal}); entries in hand finish, the rest stay for a replica\n`);
  await agent.stop();
  await runtime.close();
  return 0;
};

function crashPoint(value: string | undefined): { point: CrashPoint; nth: number } | undefined {
  if (value === undefined) return undefined;
  const [point, nth = '1'] = value.split(':');
  if (!(CRASH_POINTS as readonly string[]).includes(point ?? '')) {
    throw new UsageError(`agent: --crash-at must be one of ${CRASH_POINTS.join(', ')} (optionally :<n>), got "${value}"`, AGENT_USAGE);
  }
  return { point: point as CrashPoint, nth: positive('--crash-at', nth) ?? 1 };
}

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`agent: ${flag} must be a positive whole number, got "${value}"`, AGENT_USAGE);
  return n;
}
